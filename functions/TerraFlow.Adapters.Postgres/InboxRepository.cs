using Npgsql;

namespace TerraFlow.Adapters.Postgres;

public static class InboxKinds
{
    /// <summary>A <see cref="TerraFlow.Core.Jobs.JobResult"/> from a runner.</summary>
    public const string JobResult = "job_result";

    /// <summary>A <c>terraflow plan</c> comment; needs the pull request's head from the VCS before it can start a run.</summary>
    public const string PlanCommand = "plan_command";

    /// <summary>A lock this pull request waited for reached it: plan it again (a <see cref="PlanCommandPayload"/>, autoplan rules).</summary>
    public const string Replan = "replan";

    /// <summary>A lifecycle comment command (apply, approve, unlock, approve-policies): a <see cref="LifecycleCommandPayload"/>.</summary>
    public const string LifecycleCommand = "lifecycle_command";

    /// <summary>An approving pull-request review: a <see cref="ReviewPayload"/>.</summary>
    public const string Review = "review";

    /// <summary>A new run waits for the engine to decide whether its pull request may run at all: a <see cref="TrustCheckPayload"/>.</summary>
    public const string TrustCheck = "trust_check";
}

/// <summary>Who caused a new run, for the trust check that precedes its first job.</summary>
/// <param name="Pusher">Who pushed (or reopened), when a webhook said so; checked like the author.</param>
/// <param name="FromFork">The head commits live in another repository.</param>
public sealed record TrustCheckPayload(long RunId, string Author, string? Pusher, bool FromFork, string? DeliveryId);

/// <param name="Command">"apply", "approve", "unlock" or "approve-policies".</param>
/// <param name="WrittenAt">When the comment was written, as the VCS host said; a command acts on the pull request as it was then.</param>
public sealed record LifecycleCommandPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Command, string? Project, string Author, string DeliveryId, DateTimeOffset? WrittenAt = null);

public sealed record ReviewPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Reviewer, string CommitSha, string DeliveryId);

/// <param name="OperationId">The command request's trace id; absent in items queued before telemetry existed.</param>
/// <param name="WrittenAt">When the comment was written, as the VCS host said; a maintainer authorizes the commit that was the head then.</param>
public sealed record PlanCommandPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string? Project, string Author, string DeliveryId, string? OperationId = null, DateTimeOffset? WrittenAt = null);

/// <summary>The workflow engine's inbox: what runners and webhooks hand over for the engine to decide on.</summary>
public static class InboxRepository
{
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? runId, string kind, object payload, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        Add(batch, runId, kind, payload);
        await batch.ExecuteAsync(ct);
    }

    public static void Add(SqlBatch batch, long? runId, string kind, object payload)
    {
        batch.Add("insert into workflow_inbox (run_id, kind, payload) values ($1, $2, $3::jsonb)", SqlBatch.Bigint(runId), kind, StoreJson.Serialize(payload));
        batch.Notify("terraflow_inbox");
    }
}
