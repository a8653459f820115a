namespace TerraFlow.Application.Health;

/// <summary>What a readiness probe of the database found.</summary>
/// <param name="Migrations">How many schema migrations are applied, when the database answered.</param>
public sealed record DatabaseHealthReport(bool Reachable, long? Migrations, string? Error);

/// <summary>The database as the health endpoints see it.</summary>
public interface IDatabaseHealth
{
    /// <summary>True when a database this process runs itself died and could not be restarted: only a restart of the host helps.</summary>
    bool ServerLost { get; }

    /// <summary>Asks the database for its applied migrations within <paramref name="timeout"/>; never throws for an unreachable database.</summary>
    Task<DatabaseHealthReport> ProbeAsync(TimeSpan timeout, CancellationToken ct);
}
