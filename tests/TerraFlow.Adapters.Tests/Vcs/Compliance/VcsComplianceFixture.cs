using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>
/// What the VCS compliance suite needs from one provider: a real <see cref="IVcsClient"/> wired to that host's local
/// API stand-in, and provider-neutral ways to arrange the host's state and read back what the client wrote there.
/// Each provider's fixture translates the neutral words (a <see cref="HostRole"/>, a <see cref="MergeSituation"/>)
/// into its host's own vocabulary, so the scenarios themselves never mention GitHub or GitLab.
/// </summary>
public abstract class VcsComplianceFixture : IAsyncDisposable
{
    /// <summary>The client under test, talking to the fake over HTTP on 127.0.0.1.</summary>
    public abstract IVcsClient Client { get; }

    /// <summary>The repository (GitHub repo, GitLab project) every scenario works in.</summary>
    public abstract RepoRef Repo { get; }

    /// <summary>Who the host says wrote the comments the client creates (the token's user).</summary>
    public abstract string BotUser { get; }

    /// <summary>The longest commit status description the host accepts; longer ones must be shortened by the client.</summary>
    public abstract int MaxStatusDescriptionLength { get; }

    /// <summary>The token the client was configured with, which runners must receive to clone over https.</summary>
    public abstract string ExpectedCloneToken { get; }

    /// <summary>A team (GitHub "org/team-slug", GitLab group path) that exists on the host.</summary>
    public abstract string Team { get; }

    /// <summary>The https clone URL of <see cref="Repo"/> as the host reports it.</summary>
    public abstract string RepoCloneUrl { get; }

    /// <summary>
    /// Whether a fork's pull request is cloned from the fork (GitHub) or from <see cref="Repo"/> itself (GitLab keeps
    /// a fork's commits under <c>refs/merge-requests/IID/head</c> of the target, so TerraFlow never clones another
    /// project with its token; see CloneUrlPolicy).
    /// </summary>
    public abstract bool ForksClonedFromTheFork { get; }

    /// <summary>Opens pull request <paramref name="number"/> in <see cref="Repo"/> from branch "feature" into "main".</summary>
    public abstract void AddPullRequest(int number, string headSha, string baseSha, string author);

    /// <summary>
    /// Opens pull request <paramref name="number"/> whose head branch lives in a fork owned by
    /// <paramref name="forkOwner"/>; returns the fork's https clone URL as the host reports it.
    /// </summary>
    public abstract string AddForkPullRequest(int number, string headSha, string forkOwner);

    public abstract void MarkMerged(int number);

    public abstract void MarkClosed(int number);

    public abstract void SetMergeSituation(int number, MergeSituation situation);

    /// <summary>Seeds a comment written by a person (not through the client), in creation order.</summary>
    public abstract void SeedComment(int number, string body, string author);

    /// <summary>A comment id the host never issued for pull request <paramref name="number"/> (in the client's id format).</summary>
    public abstract long UnknownCommentId(int number);

    /// <summary>Every commit status the host accepted for <paramref name="sha"/>, in the order received.</summary>
    public abstract IReadOnlyList<PostedStatus> Statuses(string sha);

    /// <summary>Gives <paramref name="user"/> the host role closest to <paramref name="role"/> on <see cref="Repo"/>.</summary>
    public abstract void Grant(string user, HostRole role);

    /// <summary>Makes <paramref name="user"/> known to the host without any access to <see cref="Repo"/> or <see cref="Team"/>.</summary>
    public abstract void AddUserWithoutAccess(string user);

    /// <summary>Makes <paramref name="user"/> an active member of <see cref="Team"/>.</summary>
    public abstract void AddTeamMember(string user);

    /// <summary>The next <paramref name="count"/> requests the host receives fail with <paramref name="statusCode"/>.</summary>
    public abstract void FailNextRequests(int count, int statusCode);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A commit status as the host stored it; <see cref="State"/> is the host's own word.</summary>
public sealed record PostedStatus(string Context, string State, string? Description, string? TargetUrl);

/// <summary>
/// Provider-neutral role names. <see cref="NoAccess"/> is a user the host lists on the repository with no usable access
/// (GitHub role "none", GitLab "minimal access").
/// </summary>
public enum HostRole { NoAccess, Read, Write, Maintain, Admin }

/// <summary>Provider-neutral merge situations of an open pull request.</summary>
public enum MergeSituation
{
    /// <summary>Mergeable as it is.</summary>
    Clean,

    /// <summary>The base branch moved on; the head must be updated (GitHub "behind", GitLab "need_rebase").</summary>
    Behind,

    /// <summary>Conflicts with the base branch (GitHub "dirty", GitLab "conflict").</summary>
    Conflict,

    /// <summary>The host is still working it out (GitHub mergeable null / "unknown", GitLab "checking").</summary>
    Computing,
}
