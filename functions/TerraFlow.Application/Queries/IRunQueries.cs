namespace TerraFlow.Application.Queries;

/// <summary>
/// Read-only questions about runs, answered from committed state without locks, for the runs API (and, later, a
/// console). The answers are read models: shaped for reading, never written back.
/// </summary>
public interface IRunQueries
{
    /// <summary>The run's state and its projects; null when the run does not exist.</summary>
    Task<RunDetails?> FindRunAsync(long runId, CancellationToken ct);

    /// <summary>The run's audit trail, oldest first; empty when the run has none (or does not exist).</summary>
    Task<IReadOnlyList<RunAuditEvent>> AuditEventsAsync(long runId, CancellationToken ct);
}
