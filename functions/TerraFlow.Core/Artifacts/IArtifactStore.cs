namespace TerraFlow.Core.Artifacts;

/// <summary>Where plans, plan JSON, plan text and logs live. Keys are '/'-separated, e.g. "runs/12/app/plan.json".</summary>
public interface IArtifactStore
{
    Task PutAsync(string key, Stream content, CancellationToken ct);

    /// <summary>The artifact, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);
}
