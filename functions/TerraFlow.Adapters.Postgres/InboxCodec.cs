using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Commands;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// The stored names of inbox messages (<c>workflow_inbox.kind</c>). They are part of the schema: rows written by any
/// earlier version carry them, and SQL that hands a lock to the next pull request writes <see cref="Replan"/> itself.
/// </summary>
public static class InboxKinds
{
    /// <summary><see cref="JobResultReceived"/>: the payload is the <see cref="JobResult"/> itself.</summary>
    public const string JobResult = "job_result";

    /// <summary><see cref="PlanCommandReceived"/>.</summary>
    public const string PlanCommand = "plan_command";

    /// <summary><see cref="ReplanRequested"/> (written by <see cref="LockRepository.AddRelease"/> in SQL).</summary>
    public const string Replan = "replan";

    /// <summary><see cref="LifecycleCommandReceived"/>; the command is stored as its word ("apply", "approve", …).</summary>
    public const string LifecycleCommand = "lifecycle_command";

    /// <summary><see cref="ReviewReceived"/>.</summary>
    public const string Review = "review";

    /// <summary><see cref="TrustCheckRequested"/>.</summary>
    public const string TrustCheck = "trust_check";
}

/// <summary>Turns typed inbox messages into stored rows (kind, run id, JSON payload) and back, in the shape rows always had.</summary>
public static class InboxCodec
{
    public sealed record Row(long? RunId, string Kind, string Payload);

    public static Row Encode(InboxMessage message) => message switch
    {
        JobResultReceived r => new(r.Result.RunId, InboxKinds.JobResult, StoreJson.Serialize(r.Result)),
        PlanCommandReceived p => new(null, InboxKinds.PlanCommand, StoreJson.Serialize(new PlanCommandPayload(p.PullRequest.Provider, p.PullRequest.Repo.Owner,
            p.PullRequest.Repo.Name, p.PullRequest.Repo.InstallationId, p.PullRequest.Number, p.Project, p.Author, p.DeliveryId, p.OperationId, p.WrittenAt))),
        ReplanRequested r => new(null, InboxKinds.Replan, StoreJson.Serialize(new PlanCommandPayload(r.PullRequest.Provider, r.PullRequest.Repo.Owner,
            r.PullRequest.Repo.Name, r.PullRequest.Repo.InstallationId, r.PullRequest.Number, null, "terraflow", r.DeliveryId))),
        LifecycleCommandReceived c => new(null, InboxKinds.LifecycleCommand, StoreJson.Serialize(new LifecycleCommandPayload(c.PullRequest.Provider,
            c.PullRequest.Repo.Owner, c.PullRequest.Repo.Name, c.PullRequest.Repo.InstallationId, c.PullRequest.Number, Word(c.Command), Project(c.Command),
            c.Author, c.DeliveryId, c.WrittenAt))),
        ReviewReceived r => new(null, InboxKinds.Review, StoreJson.Serialize(new ReviewPayload(r.PullRequest.Provider, r.PullRequest.Repo.Owner,
            r.PullRequest.Repo.Name, r.PullRequest.Repo.InstallationId, r.PullRequest.Number, r.Reviewer, r.CommitSha, r.DeliveryId))),
        TrustCheckRequested t => new(t.RunId, InboxKinds.TrustCheck, StoreJson.Serialize(new TrustCheckPayload(t.RunId, t.Author, t.Pusher, t.FromFork, t.DeliveryId))),
        _ => throw new ArgumentException($"no stored form for inbox message {message.GetType().Name}", nameof(message)),
    };

    /// <summary>The message of a stored row; <see cref="UnreadableInboxMessage"/> when the row cannot be read (handled as a failure).</summary>
    public static InboxMessage Decode(string kind, string payload)
    {
        try
        {
            return kind switch
            {
                InboxKinds.JobResult => new JobResultReceived(StoreJson.Deserialize<JobResult>(payload)),
                InboxKinds.PlanCommand => StoreJson.Deserialize<PlanCommandPayload>(payload) is var p
                    ? new PlanCommandReceived(Address(p.Provider, p.Owner, p.Repo, p.InstallationId, p.Number), p.Project, p.Author, p.DeliveryId, p.OperationId, p.WrittenAt)
                    : null!,
                InboxKinds.Replan => StoreJson.Deserialize<PlanCommandPayload>(payload) is var r
                    ? new ReplanRequested(Address(r.Provider, r.Owner, r.Repo, r.InstallationId, r.Number), r.DeliveryId)
                    : null!,
                InboxKinds.LifecycleCommand => StoreJson.Deserialize<LifecycleCommandPayload>(payload) is var c
                    ? new LifecycleCommandReceived(Address(c.Provider, c.Owner, c.Repo, c.InstallationId, c.Number), Command(c.Command, c.Project), c.Author, c.DeliveryId, c.WrittenAt)
                    : null!,
                InboxKinds.Review => StoreJson.Deserialize<ReviewPayload>(payload) is var v
                    ? new ReviewReceived(Address(v.Provider, v.Owner, v.Repo, v.InstallationId, v.Number), v.Reviewer, v.CommitSha, v.DeliveryId)
                    : null!,
                InboxKinds.TrustCheck => StoreJson.Deserialize<TrustCheckPayload>(payload) is var t
                    ? new TrustCheckRequested(t.RunId, t.Author, t.Pusher, t.FromFork, t.DeliveryId)
                    : null!,
                _ => new UnreadableInboxMessage(kind, $"unknown inbox kind '{kind}'"),
            };
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return new UnreadableInboxMessage(kind, ex.Message);
        }
    }

    private static PullRequestAddress Address(string provider, string owner, string repo, long? installationId, int number) =>
        new(provider, new RepoRef(owner, repo, installationId), number);

    private static string Word(CommentCommand command) => command switch
    {
        ApplyCommand => "apply",
        ApproveCommand => "approve",
        UnlockCommand => "unlock",
        ApprovePoliciesCommand => "approve-policies",
        _ => throw new ArgumentException($"{command.GetType().Name} is not a lifecycle command", nameof(command)),
    };

    private static string? Project(CommentCommand command) => command switch
    {
        ApplyCommand a => a.Project,
        ApproveCommand a => a.Project,
        UnlockCommand u => u.Project,
        ApprovePoliciesCommand p => p.Project,
        _ => null,
    };

    private static CommentCommand Command(string word, string? project) => word switch
    {
        "apply" => new ApplyCommand(project),
        "approve" => new ApproveCommand(project),
        "unlock" => new UnlockCommand(project),
        "approve-policies" => new ApprovePoliciesCommand(project),
        _ => throw new InvalidOperationException($"unknown lifecycle command '{word}'"),
    };

    // The stored JSON shapes (camelCase, nulls left out). Changing a name here breaks reading existing rows.

    /// <param name="Pusher">Who pushed (or reopened), when a webhook said so.</param>
    private sealed record TrustCheckPayload(long RunId, string Author, string? Pusher, bool FromFork, string? DeliveryId);

    /// <param name="Command">"apply", "approve", "unlock" or "approve-policies".</param>
    private sealed record LifecycleCommandPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Command, string? Project, string Author, string DeliveryId, DateTimeOffset? WrittenAt = null);

    private sealed record ReviewPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Reviewer, string CommitSha, string DeliveryId);

    private sealed record PlanCommandPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string? Project, string Author, string DeliveryId, string? OperationId = null, DateTimeOffset? WrittenAt = null);
}
