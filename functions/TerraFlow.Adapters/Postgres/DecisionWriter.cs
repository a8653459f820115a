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
        if (!decision.Changed)
        {
            await AuditLog.WriteAsync(conn, tx, run.Context.RunId, actor, decision.AuditAction, decision.AuditDetail, deliveryId, ct);
            return;
        }
        await RunRepository.SaveStateAsync(conn, tx, run.State, decision.State, ct);
        foreach (var effect in decision.Effects)
        {
            switch (effect)
            {
                case EnqueuePlan plan:
                    await JobRepository.EnqueueAsync(conn, tx, PlanJob(run.Context, plan), ct);
                    break;
                case CancelJobs:
                    await JobRepository.CancelRunJobsAsync(conn, tx, run.Context.RunId, ct);
                    break;
                case SyncComment:
                    await OutboxRepository.AddAsync(conn, tx, run.Context.RunId, OutboxKinds.SyncComment, new { }, ct);
                    break;
                case SetCommitStatus s:
                    var payload = new SetStatusPayload(run.Context.HeadSha, RunWorkflow.StatusContext(s.ProjectName), s.State.ToString(), s.Description);
                    await OutboxRepository.AddAsync(conn, tx, run.Context.RunId, OutboxKinds.SetStatus, payload, ct);
                    break;
                default:
                    throw new InvalidOperationException($"No writer for effect {effect.GetType().Name}");
            }
        }
        await AuditLog.WriteAsync(conn, tx, run.Context.RunId, actor, decision.AuditAction, decision.AuditDetail, deliveryId, ct);
    }

    public static JobSpec DiscoverJob(RunContext c) => Spec(JobKinds.Discover, c, null);

    private static JobSpec PlanJob(RunContext c, EnqueuePlan plan) => Spec(JobKinds.Plan, c, plan.Project);

    private static JobSpec Spec(string kind, RunContext c, TerraFlow.Core.Projects.ProjectDefinition? project) =>
        new(kind, c.RunId, c.Repo.Owner, c.Repo.Name, c.Repo.InstallationId, c.CloneUrl, c.HeadSha, c.BaseSha, project, c.OperationId);

    public static RepoRef Repo(JobSpec spec) => new(spec.RepoOwner, spec.RepoName, spec.InstallationId);
}
