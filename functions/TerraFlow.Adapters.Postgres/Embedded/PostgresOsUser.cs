namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Which OS user runs the PostgreSQL server. PostgreSQL refuses to run as root, so when this process
/// is root (CI, containers) every initdb/pg_ctl call goes through <c>runuser -u postgres --</c> and the
/// directories the server writes are chowned to the <c>postgres</c> account that Debian's package creates.
/// </summary>
internal sealed class PostgresOsUser
{
    private const string ServiceAccount = "postgres";
    private static readonly TimeSpan QuickCommand = TimeSpan.FromSeconds(30);

    private PostgresOsUser(bool runsAsServiceAccount) => RunsAsServiceAccount = runsAsServiceAccount;

    /// <summary>True when we are root and delegate to the <c>postgres</c> account.</summary>
    public bool RunsAsServiceAccount { get; }

    /// <summary>Detects root (effective uid 0) and, if so, checks that the postgres account and runuser exist.</summary>
    public static async Task<PostgresOsUser> DetectAsync(CancellationToken ct)
    {
        if (!await IsRootAsync(ct).ConfigureAwait(false))
        {
            return new PostgresOsUser(runsAsServiceAccount: false);
        }

        var account = await ProcessRunner.RunAsync("id", ["-u", ServiceAccount], QuickCommand, ct).ConfigureAwait(false);
        if (!account.Succeeded)
        {
            throw new EmbeddedPostgresException(
                "This process runs as root, which PostgreSQL refuses, and there is no 'postgres' OS user to run it as. " +
                "Install the server package (apt-get install -y postgresql), which creates that user, or run as a non-root user.");
        }

        if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && !File.Exists("/usr/bin/runuser"))
        {
            throw new EmbeddedPostgresException(
                "This process runs as root and needs 'runuser' (util-linux) to start PostgreSQL as the 'postgres' user.");
        }

        return new PostgresOsUser(runsAsServiceAccount: true);
    }

    /// <summary>Runs a PostgreSQL tool as the account that owns the cluster.</summary>
    public Task<ProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        if (!RunsAsServiceAccount)
        {
            return ProcessRunner.RunAsync(executable, arguments, timeout, ct);
        }

        return ProcessRunner.RunAsync("runuser", ["-u", ServiceAccount, "--", executable, .. arguments], timeout, ct);
    }

    /// <summary>Hands a directory we created (as root) to the postgres account; no-op when not root.</summary>
    public async Task GiveOwnershipAsync(string path, bool recursive, CancellationToken ct)
    {
        if (!RunsAsServiceAccount)
        {
            return;
        }

        string[] arguments = recursive ? ["-R", ServiceAccount + ":", path] : [ServiceAccount + ":", path];
        var result = await ProcessRunner.RunAsync("chown", arguments, QuickCommand, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException($"Could not chown '{path}' to the postgres user: {result.CombinedOutput}");
        }
    }

    /// <summary>
    /// Whether the server account can reach <paramref name="directory"/> (search permission on it and on every
    /// parent). A root-owned checkout under a 0700 home directory fails this, and the caller falls back to /tmp.
    /// </summary>
    public async Task<bool> CanTraverseAsync(string directory, CancellationToken ct)
    {
        if (!RunsAsServiceAccount)
        {
            return true;
        }

        var result = await RunAsync("test", ["-x", directory], QuickCommand, ct).ConfigureAwait(false);
        return result.Succeeded;
    }

    private static async Task<bool> IsRootAsync(CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }

        // Environment.UserName is derived from the effective uid on Unix; `id -u` confirms uid 0 under another name.
        if (string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            return true;
        }

        var id = await ProcessRunner.RunAsync("id", ["-u"], QuickCommand, ct).ConfigureAwait(false);
        return id.Succeeded && id.StandardOutput.Trim() == "0";
    }
}
