using TerraFlow.Application.Ports;
using TerraFlow.Core.Commands;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Application.Messages;

/// <summary>
/// What the workflow engine is asked to decide on, one row of the inbox each. The store keeps a stable name per type
/// (the PostgreSQL adapter's discriminator), so rows written before a type was renamed still read.
/// </summary>
public abstract record InboxMessage;

/// <summary>A runner's (or the lease sweeper's) result of a job.</summary>
public sealed record JobResultReceived(JobResult Result) : InboxMessage;

/// <summary>A <c>terraflow plan</c> comment; needs the pull request's head from the VCS host before it can start a run.</summary>
/// <param name="OperationId">The command request's trace id; absent in items queued before telemetry existed.</param>
/// <param name="WrittenAt">When the comment was written, as the VCS host said; a maintainer authorizes the commit that was the head then.</param>
public sealed record PlanCommandReceived(PullRequestAddress PullRequest, string? Project, string Author, string DeliveryId, string? OperationId = null, DateTimeOffset? WrittenAt = null) : InboxMessage;

/// <summary>A lock this pull request waited for reached it: plan it again (no person asked; autoplan rules apply).</summary>
public sealed record ReplanRequested(PullRequestAddress PullRequest, string DeliveryId) : InboxMessage;

/// <summary>
/// A lifecycle comment command: <see cref="ApplyCommand"/>, <see cref="ApproveCommand"/>, <see cref="UnlockCommand"/>
/// or <see cref="ApprovePoliciesCommand"/>, as the comment parser produced it.
/// </summary>
/// <param name="WrittenAt">When the comment was written, as the VCS host said; a command acts on the pull request as it was then.</param>
public sealed record LifecycleCommandReceived(PullRequestAddress PullRequest, CommentCommand Command, string Author, string DeliveryId, DateTimeOffset? WrittenAt = null) : InboxMessage
{
    /// <summary>Whether the engine handles <paramref name="command"/> as a lifecycle command.</summary>
    public static bool IsLifecycle(CommentCommand command) => command is ApplyCommand or ApproveCommand or UnlockCommand or ApprovePoliciesCommand;
}

/// <summary>An approving pull-request review of <see cref="CommitSha"/>.</summary>
public sealed record ReviewReceived(PullRequestAddress PullRequest, string Reviewer, string CommitSha, string DeliveryId) : InboxMessage;

/// <summary>A new run waits for the engine to decide whether its pull request may run at all.</summary>
/// <param name="Pusher">Who pushed (or reopened), when a webhook said so; checked like the author.</param>
/// <param name="FromFork">The head commits live in another repository.</param>
public sealed record TrustCheckRequested(long RunId, string Author, string? Pusher, bool FromFork, string? DeliveryId) : InboxMessage;

/// <summary>A stored row the store could not turn into a message (unknown kind, malformed payload): handled as a failure.</summary>
public sealed record UnreadableInboxMessage(string Kind, string Problem) : InboxMessage;
