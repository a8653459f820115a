namespace TerraFlow.Core.Artifacts;

/// <summary>
/// Where plans, plan JSON, plan text and logs live. Keys are '/'-separated, e.g. "runs/12/app/plan.json"
/// (see <see cref="ArtifactKeys"/> for what a valid key is). Every implementation passes the same compliance
/// suite (tests/TerraFlow.Adapters.Tests/Artifacts), so callers may rely on the behaviour documented here.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Creates or replaces the artifact. Readers see either the old or the new content, never a mix.</summary>
    Task PutAsync(string key, Stream content, CancellationToken ct);

    /// <summary>The artifact, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Removes the artifact; deleting a missing artifact is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Size, ETag and last-modified time of the artifact, or null when there is none.</summary>
    Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken ct);

    /// <summary>
    /// Keys that start with <paramref name="prefix"/> (plain string prefix, "" for all), in ordinal order.
    /// Large listings are fetched page by page as the caller enumerates.
    /// </summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// Create-only write: stores the artifact and returns true only if no artifact had the key; otherwise leaves
    /// the existing one untouched and returns false. Atomic: of concurrent callers exactly one gets true.
    /// </summary>
    Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken ct);

    /// <summary>
    /// Optimistic-concurrency write: replaces the artifact only if its current ETag equals <paramref name="etag"/>
    /// (from <see cref="GetInfoAsync"/>); returns false, changing nothing, if it differs or the artifact is gone.
    /// </summary>
    Task<bool> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken ct);
}
