using Npgsql;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Smart re-plans: the pull request's latest earlier result per project, for the decider to carry an unchanged
/// project's plan forward (<see cref="CarriedPlans"/>). Only runs of the same pull request count (runs of no pull
/// request have a null number and match none); the decider checks that the result is a successful, unapplied plan.
/// Read in the batch that loads the run (<see cref="RunRepository.LoadAsync"/>), so it costs no round trip of its own.
/// </summary>
public static class PreviousPlanRepository
{
    /// <summary>The query for run <paramref name="runId"/>'s previous plans; read its rows with <see cref="ReadAsync"/>.</summary>
    public static NpgsqlBatchCommand ForRunCommand(long runId)
    {
        // Per project name, the row of the newest earlier run (runs_by_pull_request serves the lookup).
        var command = new NpgsqlBatchCommand($"""
            select distinct on (p.name) {Qualified("p")}, r.head_sha, r.untrusted
            from runs cur
            join runs r on r.provider = cur.provider and r.repo_owner = cur.repo_owner and r.repo_name = cur.repo_name
                       and r.pr_number = cur.pr_number and r.id < cur.id
            join project_runs p on p.run_id = r.id
            where cur.id = $1
            order by p.name, r.id desc
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        return command;
    }

    /// <summary>Reads the rows of <see cref="ForRunCommand"/> from the reader's current result.</summary>
    public static async Task<IReadOnlyDictionary<string, PreviousPlan>> ReadAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var previous = new Dictionary<string, PreviousPlan>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            var project = RunRepository.ReadProjectRun(r);
            previous[project.Definition.Name] = new PreviousPlan(project, r.GetString(7), r.GetBoolean(8));
        }
        return previous;
    }

    private static string Qualified(string alias) =>
        string.Join(", ", RunRepository.ProjectRunColumns.Split(", ").Select(c => $"{alias}.{c}"));
}
