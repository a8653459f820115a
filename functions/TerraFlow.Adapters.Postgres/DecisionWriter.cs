using Npgsql;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Writes a <see cref="Decision"/> of the run state machine: new state, job rows, outbox rows and the audit
/// event, all inside the caller's transaction, so that a crash leaves either all of it or none.
/// </summary>
public static class DecisionWriter
{
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, StoredRun run, Decision decision, string actor, string? deliveryId, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        Add(batch, run, decision, actor, deliveryId);
        await batch.ExecuteAsync(ct);
    }

    /// <summary>Adds every write of the decision to <paramref name="batch"/>; the caller sends it (one round trip).</summary>
    public static void Add(SqlBatch batch, StoredRun run, Decision decision, string actor, string? deliveryId)
    {
        var runId = run.Context.RunId;
        if (decision.Changed)
        {
            RunRepository.AddSaveState(batch, run.State, decision.State);
            // A run "finishes" when its planning ends (planned, failed, no projects, superseded or closed before
            // then). Counted when the decision is written; a rolled-back transaction is retried, so a rare double
            // count is possible but a missed one is not.
            if (!run.State.Status.IsFinal() && decision.State.Status.IsFinal())
                Telemetry.TerraFlowTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", decision.State.Status.ToString().ToLowerInvariant()));
            foreach (var effect in decision.Effects) AddEffect(batch, run.Context, effect, actor);
        }
        AuditLog.Add(batch, runId, actor, decision.AuditAction, decision.AuditDetail, deliveryId);
    }

    private static void AddEffect(SqlBatch batch, RunContext context, Effect effect, string actor)
    {
        switch (effect)
        {
            case EnqueuePlan plan:
                JobRepository.Add(batch, PlanJob(context, plan));
                break;
            case CancelJobs:
                JobRepository.AddCancelRunJobs(batch, context.RunId);
                break;
            case SyncComment:
                OutboxRepository.Add(batch, context.RunId, OutboxKinds.SyncComment, new { });
                break;
            case SetCommitStatus s:
                var payload = new SetStatusPayload(context.Repo.Owner, context.Repo.Name, context.Repo.InstallationId,
                    context.HeadSha, RunWorkflow.StatusContext(s.ProjectName, s.Kind), s.State.ToString(), s.Description, context.Provider);
                OutboxRepository.Add(batch, context.RunId, OutboxKinds.SetStatus, payload);
                break;
            case EnqueueApply apply:
                // The applies row makes "one apply per stored plan" a database fact: a second one fails the transaction.
                batch.Add("insert into applies (run_id, project, plan_sha256, requested_by) values ($1, $2, $3, $4)",
                    context.RunId, apply.Project.Name, apply.PlanSha256, actor);
                JobRepository.Add(batch, ApplyJob(context, apply));
                break;
            case AcquireLock acquire:
                LockRepository.AddAcquire(batch, context, acquire.Project);
                break;
            case QueueForLock queue:
                LockRepository.AddQueue(batch, context, queue.Project);
                break;
            case ReleaseLocks release:
                LockRepository.AddRelease(batch, context, release.Keys, release.LeaveQueues);
                break;
            case PostReply reply:
                // A random marker: the outbox row is written once, and a retried send finds its earlier post by it.
                OutboxRepository.Add(batch, context.RunId, OutboxKinds.Reply, new ReplyPayload(context.Provider, context.Repo.Owner, context.Repo.Name,
                    context.Repo.InstallationId, context.PullRequestNumber, $"<!-- terraflow:reply:{Guid.NewGuid():N} -->", reply.Body));
                break;
            default:
                throw new InvalidOperationException($"No writer for effect {effect.GetType().Name}");
        }
    }

    public static JobSpec DiscoverJob(RunContext c) => Spec(JobKinds.Discover, c, null);

    private static JobSpec PlanJob(RunContext c, EnqueuePlan plan) => Spec(JobKinds.Plan, c, plan.Project);

    private static JobSpec ApplyJob(RunContext c, EnqueueApply apply) =>
        Spec(JobKinds.Apply, c, apply.Project) with { PlanFile = apply.Artifacts.PlanFile, PlanSha256 = apply.PlanSha256 };

    private static JobSpec Spec(string kind, RunContext c, TerraFlow.Core.Projects.ProjectDefinition? project) =>
        new(kind, c.RunId, c.Repo.Owner, c.Repo.Name, c.Repo.InstallationId, c.CloneUrl, c.HeadSha, c.BaseSha, project, c.OperationId) { Provider = c.Provider, PullRequestNumber = c.PullRequestNumber, Untrusted = c.Untrusted };

    public static RepoRef Repo(JobSpec spec) => new(spec.RepoOwner, spec.RepoName, spec.InstallationId);
}
