namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// How to run a private PostgreSQL cluster from the machine's own PostgreSQL binaries.
/// Use <see cref="ForHost"/> for the standalone host and <see cref="ForTests"/> for test processes.
/// </summary>
public sealed record EmbeddedPostgresOptions
{
    /// <summary>
    /// The cluster's data directory. Required when <see cref="Persistent"/> is true (for example
    /// <c>&lt;cwd&gt;/.terraflow/postgres</c>). Must be null when not persistent: a throw-away cluster
    /// always gets its own unique temporary directory so concurrent test processes never collide.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free port (and re-picks if it is taken at start).</summary>
    public int Port { get; init; }

    /// <summary>
    /// True: keep the data directory across runs (initdb only when it is not initialized yet, adopt a server
    /// that a crashed previous host left running). False: temporary cluster, deleted on dispose, no fsync.
    /// </summary>
    public bool Persistent { get; init; }

    /// <summary>The database created (if missing) and named in <see cref="EmbeddedPostgres.ConnectionString"/>.</summary>
    public string DatabaseName { get; init; } = "terraflow";

    /// <summary>The cluster's superuser; connections need no password (trust auth, loopback only).</summary>
    public string UserName { get; init; } = "terraflow";

    /// <summary>Upper bound for initdb, start and readiness waits.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Options for the standalone host: a persistent cluster under <c>&lt;workingDirectory&gt;/.terraflow/postgres</c>.</summary>
    public static EmbeddedPostgresOptions ForHost(string workingDirectory) => new()
    {
        DataDirectory = Path.Combine(Path.GetFullPath(workingDirectory), ".terraflow", "postgres"),
        Persistent = true,
    };

    /// <summary>Options for tests: a throw-away cluster in a unique temp directory on a free port.</summary>
    public static EmbeddedPostgresOptions ForTests() => new() { Persistent = false };

    internal void Validate()
    {
        if (Persistent && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("A persistent embedded PostgreSQL needs a DataDirectory.", nameof(DataDirectory));
        }

        if (!Persistent && DataDirectory is not null)
        {
            throw new ArgumentException(
                "A non-persistent embedded PostgreSQL always uses its own temp directory; leave DataDirectory null.",
                nameof(DataDirectory));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be 0 (pick a free one) or a TCP port.");
        }

        SqlIdentifier.EnsureSimple(DatabaseName, nameof(DatabaseName));
        SqlIdentifier.EnsureSimple(UserName, nameof(UserName));
    }
}
