using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Catalog;

/// <summary>
/// A repository TerraFlow knows, because a webhook or a run named it. <paramref name="CloneUrl"/> is the repository's own
/// (never a fork's), null when not known for sure.
/// </summary>
public sealed record Repository(
    long Id,
    string Provider,
    RepoRef Repo,
    string? CloneUrl,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt);
