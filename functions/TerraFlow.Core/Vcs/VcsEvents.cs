namespace TerraFlow.Core.Vcs;

/// <summary>A webhook, parsed into what TerraFlow acts on. Provider-neutral.</summary>
public abstract record VcsEvent;

public enum PullRequestAction { Opened, Reopened, Synchronize, Closed }

public sealed record PullRequestEvent(PullRequestAction Action, PullRequestInfo PullRequest, string Sender) : VcsEvent;

/// <summary>A new comment on a pull request.</summary>
public sealed record PullRequestCommentEvent(RepoRef Repo, int Number, long CommentId, string Author, string Body) : VcsEvent
{
    /// <summary>When the host says the comment was written (null when the payload does not say): a command acts on
    /// what the pull request was at that moment, not on what it became before the delivery was processed.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A submitted pull-request review; only <paramref name="Approved"/> reviews count as approvals.</summary>
/// <param name="CommitSha">The commit the review was made on.</param>
public sealed record PullRequestReviewEvent(RepoRef Repo, int Number, long ReviewId, string Reviewer, bool Approved, string CommitSha) : VcsEvent;

/// <summary>
/// The people whose approval of <paramref name="CommitSha"/> the host reports at once (Azure DevOps sends a pull
/// (some hosts send every reviewer's current vote, not who just voted); each counts like an approving <see cref="PullRequestReviewEvent"/>,
/// and an approval already recorded is a no-op.
/// </summary>
public sealed record PullRequestApprovalsEvent(RepoRef Repo, int Number, IReadOnlyList<string> Approvers, string CommitSha) : VcsEvent;

public sealed record InstallationEvent(long InstallationId, string Action, string Account) : VcsEvent;

public sealed record PingEvent(string Zen) : VcsEvent;

/// <summary>A well-formed event TerraFlow does not act on; <paramref name="Reason"/> is returned to the sender.</summary>
public sealed record IgnoredEvent(string Reason) : VcsEvent;
