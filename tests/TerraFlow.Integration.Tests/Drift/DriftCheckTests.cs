using Npgsql;
using TerraFlow.Core.Drift;
using TerraFlow.Integration.Tests.Infrastructure;
using Xunit;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// Manual drift checks through the real host: POST starts a check on the runner at the default branch's head, the
/// stand-in's exit code decides drifted / clean / failed, the state is recorded and every registered reporter gets
/// the result through the outbox. Nothing is ever applied.
/// </summary>
public sealed class DriftCheckTests
{
    [Fact]
    public async Task Drifted_clean_and_failing_init_projects_get_their_states_and_reports()
    {
        await using var bed = await DriftTestBed.StartAsync();
        var head = bed.Repo.Git("rev-parse", "HEAD").Trim();

        var drifted = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        var clean = await bed.ReportedAsync(await bed.StartCheckAsync("clean"));
        var broken = await bed.ReportedAsync(await bed.StartCheckAsync("broken"));

        Assert.Equal(DriftState.Drifted, drifted.State);
        Assert.Equal(DriftState.Never, drifted.PreviousState);
        Assert.Equal(head, drifted.CommitSha);
        Assert.NotNull(drifted.FirstDetectedAt);
        Assert.Equal(1, drifted.Counts!.Change);
        Assert.Equal(1, drifted.Counts.Replace);
        Assert.Equal([("null_resource.dns", "replace"), ("null_resource.vnet", "update")],
            drifted.Resources.Select(r => (r.Address, r.Action)).OrderBy(r => r.Address).ToArray());
        Assert.Contains("null_resource.vnet", drifted.PlanSummary);
        Assert.Null(drifted.Failure);
        Assert.Equal($"https://terraflow.example.com/api/runs/{drifted.RunId}", drifted.RunUrl);
        Assert.Equal("github", drifted.Repository.Provider);
        Assert.Equal(("acme", "infra"), (drifted.Repository.Repo.Owner, drifted.Repository.Repo.Name));

        Assert.Equal(DriftState.Clean, clean.State);
        Assert.Null(clean.FirstDetectedAt);
        Assert.Empty(clean.Resources);

        Assert.Equal(DriftState.Failed, broken.State);
        Assert.Contains("init", broken.Failure);
        Assert.Contains("scripted init failure", broken.Failure);
        Assert.Null(broken.Counts);
        // init failed: the plan never ran.
        Assert.Equal(0, bed.Plans("broken"));
        Assert.Equal(1, bed.Plans("drifted"));
        Assert.Equal(1, bed.Plans("clean"));

        var api = await bed.DriftApiAsync();
        var states = api.GetProperty("projects").EnumerateArray().ToDictionary(p => p.GetProperty("project").GetString()!, p => p);
        Assert.Equal("drifted", states["drifted"].GetProperty("state").GetString());
        Assert.Equal("clean", states["clean"].GetProperty("state").GetString());
        Assert.Equal("failed", states["broken"].GetProperty("state").GetString());
        Assert.Equal(drifted.RunId, states["drifted"].GetProperty("lastRunId").GetInt64());
        Assert.Equal(drifted.RunUrl, states["drifted"].GetProperty("runUrl").GetString());

        // The run behind the link exists and says what started it; no apply job was ever queued.
        await using var cmd = bed.Host.Database.CreateCommand("select trigger_kind, head_sha, status from runs where id = $1");
        cmd.Parameters.AddWithValue(drifted.RunId);
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("manual", head, "planned"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        Assert.Equal(0L, await Scalar(bed.Host.Database, "select count(*) from jobs where kind = 'apply'"));
    }

    [Fact]
    public async Task A_second_check_keeps_the_first_detection_and_a_clean_one_resolves_it()
    {
        await using var bed = await DriftTestBed.StartAsync();
        var first = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        var second = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        Assert.Equal(DriftState.Drifted, second.State);
        Assert.Equal(DriftState.Drifted, second.PreviousState);
        Assert.Equal(first.FirstDetectedAt, second.FirstDetectedAt);

        var fixedAt = bed.SetPlan("drifted", DriftTestBed.CleanPlan);
        var third = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        Assert.Equal(DriftState.Clean, third.State);
        Assert.Equal(DriftState.Drifted, third.PreviousState);
        Assert.Equal(fixedAt, third.CommitSha);
        Assert.Null(third.FirstDetectedAt);

        bed.SetInitFails("drifted");
        var failed = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        Assert.Equal(DriftState.Failed, failed.State);
        Assert.Equal(DriftState.Clean, failed.PreviousState);
        // Each result went to the reporter exactly once.
        Assert.Equal(4, bed.Reporter.For("drifted").Count);
    }

    [Fact]
    public async Task A_project_locked_by_an_open_pull_request_is_still_checked_and_names_the_lock_holder()
    {
        await using var bed = await DriftTestBed.StartAsync();
        await using (var cmd = bed.Host.Database.CreateCommand(
            "insert into project_locks (provider, repo_owner, repo_name, lock_key, pr_number) values ('github', 'acme', 'infra', 'drifted::default', 12)"))
            await cmd.ExecuteNonQueryAsync();
        var result = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        Assert.Equal(DriftState.Drifted, result.State);
        Assert.Equal("#12", result.LockHolder);
    }

    [Fact]
    public async Task A_configuration_error_on_the_default_branch_fails_the_check_and_shows_in_the_api()
    {
        await using var bed = await DriftTestBed.StartAsync("  schedule: \"0 6 * * *\"\n");
        var ids = await bed.ProjectsAsync();
        var api = await bed.DriftApiAsync();
        var drifted = api.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("project").GetString() == "drifted");
        Assert.Equal("0 6 * * *", drifted.GetProperty("schedule").GetString());
        Assert.Equal("never", drifted.GetProperty("state").GetString());
        Assert.True(drifted.GetProperty("nextDueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        bed.Repo.Write(".terraflow.yml", "version: 1\ndrift:\n  schedule: \"0 25 * * *\"\nprojects:\n  - name: drifted\n    dir: drifted\n");
        bed.Repo.Commit("break the schedule");
        var result = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));
        Assert.Equal(DriftState.Failed, result.State);
        Assert.Contains(".terraflow.yml:3:13:", result.Failure);

        api = await bed.DriftApiAsync();
        var repository = api.GetProperty("repositories").EnumerateArray().Single();
        Assert.StartsWith(".terraflow.yml:3:13: 'drift' of the top level: '0 25 * * *' is not a valid cron expression", repository.GetProperty("configError").GetString());
        drifted = api.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("project").GetString() == "drifted");
        Assert.Equal(repository.GetProperty("configError").GetString(), drifted.GetProperty("configError").GetString());
        // The last good schedule keeps running until the file is fixed.
        Assert.Equal("0 6 * * *", drifted.GetProperty("schedule").GetString());

        // The check's run is there behind its link.
        using var http = await bed.Host.ConsoleClientAsync();
        Assert.Equal(200, (int)(await http.GetAsync($"{bed.Host.BaseUrl}/api/runs/{result.RunId}")).StatusCode);
        Assert.True(ids.ContainsKey("broken"));
    }

    [Fact]
    public async Task Unknown_project_is_404_and_the_apply_path_refuses_drift_runs()
    {
        await using var bed = await DriftTestBed.StartAsync();
        using var http = await bed.Host.ConsoleClientAsync();
        var response = await http.PostAsync($"{bed.Host.BaseUrl}/api/projects/987654/drift", null);
        Assert.Equal(404, (int)response.StatusCode);
    }

    internal static async Task<long> Scalar(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
