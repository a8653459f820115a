using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Comments;

/// <summary>Reads a run's committed state (no lock, no transaction left open).</summary>
public interface IRunReader
{
    Task<StoredRun?> LoadAsync(long runId, CancellationToken ct);
}
