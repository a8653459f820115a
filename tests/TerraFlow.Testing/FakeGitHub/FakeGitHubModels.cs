namespace TerraFlow.Testing.FakeGitHub;

/// <summary>A pull request the fake serves. <paramref name="HeadCloneUrl"/> overrides where the head is cloned from (forks: see <see cref="ForkOwner"/>).</summary>
public sealed record FakePullRequest(
    string Owner,
    string Repo,
    int Number,
    string HeadSha,
    string BaseSha,
    string HeadRef,
    string BaseRef,
    string Author,
    string? HeadCloneUrl,
    bool Open,
    bool Merged,
    string Title)
{
    /// <summary>GitHub's <c>mergeable</c>: null while GitHub is still computing it.</summary>
    public bool? Mergeable { get; init; } = true;

    /// <summary>GitHub's <c>mergeable_state</c>: "clean", "behind", "blocked", "dirty", "unstable", "unknown", ...</summary>
    public string MergeableState { get; init; } = "clean";

    /// <summary>
    /// Owner of the fork the head lives in; null for a branch of the repository itself (then <see cref="HeadCloneUrl"/>
    /// only says where to clone it from).
    /// </summary>
    public string? ForkOwner { get; init; }
}

/// <summary>A collaborator's role as the fake reports it: a base role or a custom role built on <paramref name="BasePermission"/>.</summary>
public sealed record FakeCollaborator(string Owner, string Repo, string User, string RoleName, string BasePermission);

/// <summary>An issue comment as stored by the fake (in creation order; ids grow).</summary>
public sealed record FakeComment(
    long Id, string Owner, string Repo, int Number, string Body, string Author, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A commit status as posted, in the order received.</summary>
public sealed record FakeStatus(
    long Id, string Owner, string Repo, string Sha, string Context, string State, string? Description, string? TargetUrl);

/// <summary>One request as received (before fault injection or auth), for assertions on headers and bodies.</summary>
public sealed record FakeRequest(
    string Method,
    string Path,
    string Query,
    string? Authorization,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int ResponseStatus)
{
    /// <summary>When the fake answered (its <see cref="FakeGitHubOptions.Time"/>).</summary>
    public DateTimeOffset At { get; init; }
}
