namespace TerraFlow.Core.Vcs;

/// <summary>A repository on a VCS host. <paramref name="InstallationId"/> is the host's app installation, when the host has one.</summary>
public sealed record RepoRef(string Owner, string Name, long? InstallationId = null)
{
    public string FullName => $"{Owner}/{Name}";
    public override string ToString() => FullName;
}

public sealed record PullRequestInfo(
    RepoRef Repo,
    int Number,
    string HeadSha,
    string BaseSha,
    string HeadRef,
    string BaseRef,
    string CloneUrl,
    string Author,
    bool Open,
    bool Merged)
{
    /// <summary>Whether the host would merge it now (null while the host is still computing it).</summary>
    public bool? Mergeable { get; init; }

    /// <summary>
    /// The VCS host's finer merge state in the vocabulary "clean", "behind", "dirty", "blocked"; "behind" (the head
    /// branch is out of date with the base branch) is the one the workflow acts on, so adapters map their host's
    /// equivalent to it.
    /// </summary>
    public string? MergeableState { get; init; }

    /// <summary>
    /// The head commits live in another repository (a fork; also when the fork was deleted). A fork's author needs no
    /// permission on this repository, so its code is never run with TerraFlow's credentials without a maintainer's say.
    /// </summary>
    public bool FromFork { get; init; }
}

/// <summary>A person's permission on a repository, lowest first (hosts with fewer levels map onto these).</summary>
public enum RepoPermission { None, Read, Triage, Write, Maintain, Admin }

public sealed record PullRequestComment(long Id, string Author, string Body);

public enum CommitState { Pending, Success, Failure, Error }

/// <summary>A commit status. <paramref name="Context"/> identifies it (one per project); descriptions stay short (hosts cap them, at 140 characters or more).</summary>
public sealed record CommitStatus(string Context, CommitState State, string Description, string? TargetUrl);

/// <summary>The VCS host as the workflow needs it. Implemented per provider in Adapters.</summary>
public interface IVcsClient
{
    Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct);

    Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct);

    Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct);

    Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct);

    Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct);

    /// <summary>The user's permission on the repository.</summary>
    Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct);

    /// <summary>Whether the user is an active member of <paramref name="team"/> (written <c>org/team-slug</c>).</summary>
    Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct);

    /// <summary>
    /// The login of the identity TerraFlow posts as (an app's bot user, or the token's user), or null when it
    /// posts anonymously. Only comments by this identity are ever edited: anyone can write a comment that looks like
    /// TerraFlow's.
    /// </summary>
    Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct);

    /// <summary>Credentials a runner uses to clone over https (an installation token or the configured token); null when none.</summary>
    Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct);
}

/// <summary>Raised by a VCS client when the host answered with an error that retrying will not fix (4xx other than 429).</summary>
public sealed class VcsPermanentException(string message, int statusCode) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
