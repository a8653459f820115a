namespace TerraFlow.Testing.FakeGitHub;

/// <summary>A pull request the fake serves. <paramref name="HeadCloneUrl"/> differs from the base repo for forks.</summary>
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
    string Title);

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
    int ResponseStatus);
