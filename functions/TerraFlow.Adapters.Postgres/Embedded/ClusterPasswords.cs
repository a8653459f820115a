using System.Security.Cryptography;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// The generated passwords of a persistent cluster's three roles, kept beside the data folder (never inside it, so a
/// set-aside or copied data folder carries no secret) in PostgreSQL's pgpass format, readable by this OS user only:
/// <c>&lt;data&gt;.password</c> holds all three (the host needs the superuser for setup), <c>&lt;data&gt;.runner.password</c>
/// only the runner role's, so an operator can hand that one file to runners (Npgsql <c>Passfile=</c>, libpq PGPASSFILE).
/// </summary>
internal sealed record ClusterPasswords(string Superuser, string Application, string Runner)
{
    /// <summary>Whether the file existed (false: passwords were just generated and the cluster does not know them yet).</summary>
    public bool Existed { get; init; } = true;

    public static string FileFor(string dataDirectory) => dataDirectory.TrimEnd('/') + ".password";

    public static string RunnerFileFor(string dataDirectory) => dataDirectory.TrimEnd('/') + ".runner.password";

    /// <summary>Reads the password file, or generates and writes one (0600) when there is none.</summary>
    public static async Task<ClusterPasswords> LoadOrCreateAsync(string dataDirectory, ClusterRoles roles, CancellationToken ct)
    {
        var file = FileFor(dataDirectory);
        if (File.Exists(file))
        {
            var lines = await File.ReadAllLinesAsync(file, ct).ConfigureAwait(false);
            string? Find(string role) => lines.Select(l => l.Split(':')).Where(p => p.Length == 5 && p[3] == role).Select(p => p[4]).FirstOrDefault();
            if (Find(roles.Superuser) is { } su && Find(roles.Application) is { } app && Find(roles.Runner) is { } runner)
            {
                var existing = new ClusterPasswords(su, app, runner);
                await WriteRunnerFileAsync(dataDirectory, roles, existing, ct).ConfigureAwait(false);
                return existing;
            }
        }

        var created = new ClusterPasswords(Generate(), Generate(), Generate()) { Existed = false };
        await WritePrivateAsync(file, string.Join('\n',
            "# TerraFlow embedded PostgreSQL roles (pgpass format: host:port:database:user:password). Keep private.",
            Line(roles.Superuser, created.Superuser), Line(roles.Application, created.Application), Line(roles.Runner, created.Runner)) + "\n", ct)
            .ConfigureAwait(false);
        await WriteRunnerFileAsync(dataDirectory, roles, created, ct).ConfigureAwait(false);
        return created;
    }

    private static Task WriteRunnerFileAsync(string dataDirectory, ClusterRoles roles, ClusterPasswords passwords, CancellationToken ct) =>
        WritePrivateAsync(RunnerFileFor(dataDirectory),
            "# TerraFlow runner role for the PostgreSQL job queue (pgpass format). Give only this file to runners.\n" +
            Line(roles.Runner, passwords.Runner) + "\n", ct);

    private static string Line(string role, string password) => $"127.0.0.1:*:*:{role}:{password}";

    /// <summary>Hex only: nothing to escape in SQL literals, pgpass lines or connection strings. 256 bits.</summary>
    private static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Written to a temporary file created 0600 and renamed over the target: never readable by others, never half-written.</summary>
    private static async Task WritePrivateAsync(string path, string content, CancellationToken ct)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), ct).ConfigureAwait(false);
            await writer.FlushAsync(ct).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Role names of a persistent cluster: the bootstrap superuser (setup only), the application role, the runner role.</summary>
internal sealed record ClusterRoles(string Superuser, string Application, string Runner)
{
    public static ClusterRoles For(EmbeddedPostgresOptions options) =>
        new(options.UserName, options.UserName + "_app", options.UserName + "_runner");
}
