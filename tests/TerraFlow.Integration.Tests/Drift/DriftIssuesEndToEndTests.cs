using TerraFlow.Core.Drift;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using Xunit;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// Issue 15's "done means", end to end: real PostgreSQL, git, the host with its in-process runner, the Terraform
/// stand-in (exit 2 with a plan with changes for <c>drifted</c>, exit 0 for <c>clean</c>, a failing init for
/// <c>broken</c>) and the GitHub stand-in, with the drift reporters the host registers (AddDriftReporting).
/// </summary>
public sealed class DriftIssuesEndToEndTests
{
    [Fact]
    public async Task One_issue_for_the_drifted_project_edited_then_closed_none_for_the_clean_one_and_a_failed_init_is_failed()
    {
        await using var bed = await DriftTestBed.StartAsync(database: "drift_issues_e2e");
        var github = bed.GitHub;
        github.AddRepository(DriftTestBed.Owner, DriftTestBed.Name);

        var first = await CheckAsync(bed, "drifted");
        await CheckAsync(bed, "clean");
        var issue = Assert.Single(DriftIssues(github));
        Assert.Equal("open", issue.State);
        Assert.Equal("Drift: drifted in acme/infra", issue.Title);
        Assert.Contains(DriftIssueText.Label, issue.Labels);
        Assert.Contains("null_resource.vnet", issue.Body, StringComparison.Ordinal);
        Assert.Contains($"/api/console/runs/{first}", issue.Body, StringComparison.Ordinal);

        // A second check edits the same issue.
        var second = await CheckAsync(bed, "drifted");
        issue = Assert.Single(DriftIssues(github));
        Assert.Contains($"/api/console/runs/{second}", issue.Body, StringComparison.Ordinal);
        Assert.Equal("open", issue.State);

        // The stand-in switched to exit 0: the issue is closed with a comment.
        bed.SetPlan("drifted", DriftTestBed.CleanPlan);
        var resolved = await CheckAsync(bed, "drifted");
        issue = Assert.Single(DriftIssues(github));
        Assert.Equal("closed", issue.State);
        var comment = Assert.Single(github.Comments("acme", "infra", issue.Number));
        Assert.True(DriftIssueText.IsCommentForRun(comment.Body, resolved));

        // A failing init is reported as failed, not drifted.
        await CheckAsync(bed, "broken");
        var failed = Assert.Single(DriftIssues(github), i => (i.Body ?? "").Contains("project=broken", StringComparison.Ordinal));
        Assert.Equal("Drift check failing: broken in acme/infra", failed.Title);
        Assert.Contains(DriftIssueText.FailedLabel, failed.Labels);
        Assert.DoesNotContain("Drift detected", failed.Body, StringComparison.Ordinal);
        Assert.Contains("scripted init failure", failed.Body, StringComparison.Ordinal);

        // Never one for the clean project; nothing but issues and their comments was written to GitHub by drift.
        Assert.DoesNotContain(github.Issues("acme", "infra"), i => (i.Body ?? "").Contains("project=clean", StringComparison.Ordinal));
        Assert.Equal(2, github.Issues("acme", "infra").Count);
    }

    private static IReadOnlyList<FakeIssue> DriftIssues(FakeGitHubServer github) =>
        github.Issues("acme", "infra").Where(i => i.Labels.Contains(DriftIssueText.Label)).ToList();

    /// <summary>Starts a check and waits until every reporter's outbox row of it is done; returns the run id.</summary>
    private static async Task<long> CheckAsync(DriftTestBed bed, string project)
    {
        var runId = await bed.StartCheckAsync(project);
        await bed.ReportedAsync(runId);
        await Eventually.ValueAsync(async () =>
        {
            await using var cmd = bed.Host.Database.CreateCommand(
                "select count(*) filter (where status = 'done'), count(*) from outbox where run_id = $1 and kind = 'drift_report'");
            cmd.Parameters.AddWithValue(runId);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (Done: reader.GetInt64(0), All: reader.GetInt64(1));
        }, c => c.All >= 2 && c.Done == c.All, TimeSpan.FromSeconds(120), $"the drift reports of run {runId}");
        return runId;
    }
}
