using TerraFlow.Core.Drift;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitLab;
using Xunit;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// <see cref="DriftIssuesEndToEndTests"/> on GitLab: the repository is <c>gitlab:acme/infra</c> and the host talks to
/// the GitLab stand-in (real HTTP, token auth). One issue for the drifted project, edited by the next check, closed with
/// a note when the plan is clean again; none for the clean project; a failing init gets its own "check failing" issue.
/// </summary>
public sealed class DriftIssuesGitLabEndToEndTests
{
    private const string Path = DriftTestBed.Owner + "/" + DriftTestBed.Name;

    [Fact]
    public async Task One_GitLab_issue_for_the_drifted_project_edited_then_closed_none_for_the_clean_one_and_a_failed_init_is_failed()
    {
        await using var gitlab = await FakeGitLabServer.StartAsync();
        gitlab.AddProject(Path);
        await using var bed = await DriftTestBed.StartAsync(database: "drift_issues_gitlab", provider: "gitlab", settings: new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ApiUrl"] = gitlab.ApiUrl,
            ["TerraFlow:GitLab:Token"] = gitlab.Token,
        });

        var first = await CheckAsync(bed, "drifted");
        await CheckAsync(bed, "clean");
        var issue = Assert.Single(DriftIssues(gitlab));
        Assert.Equal("opened", issue.State);
        Assert.Equal("Drift: drifted in acme/infra", issue.Title);
        Assert.Contains(DriftIssueText.Label, issue.Labels);
        Assert.Contains("null_resource.vnet", issue.Description, StringComparison.Ordinal);
        Assert.Contains($"/api/console/runs/{first}", issue.Description, StringComparison.Ordinal);

        // A second check edits the same issue.
        var second = await CheckAsync(bed, "drifted");
        issue = Assert.Single(DriftIssues(gitlab));
        Assert.Contains($"/api/console/runs/{second}", issue.Description, StringComparison.Ordinal);
        Assert.Equal("opened", issue.State);

        // The stand-in switched to exit 0: the issue is closed with a note.
        bed.SetPlan("drifted", DriftTestBed.CleanPlan);
        var resolved = await CheckAsync(bed, "drifted");
        issue = Assert.Single(DriftIssues(gitlab));
        Assert.Equal("closed", issue.State);
        var note = Assert.Single(gitlab.IssueNotes(Path, issue.Iid), n => !n.System);
        Assert.True(DriftIssueText.IsCommentForRun(note.Body, resolved));

        // A failing init is reported as failed, not drifted.
        await CheckAsync(bed, "broken");
        var failed = Assert.Single(DriftIssues(gitlab), i => (i.Description ?? "").Contains("project=broken", StringComparison.Ordinal));
        Assert.Equal("Drift check failing: broken in acme/infra", failed.Title);
        Assert.Contains(DriftIssueText.FailedLabel, failed.Labels);
        Assert.DoesNotContain("Drift detected", failed.Description, StringComparison.Ordinal);
        Assert.Contains("scripted init failure", failed.Description, StringComparison.Ordinal);

        // Never one for the clean project; the GitHub stand-in got no issue at all.
        Assert.DoesNotContain(gitlab.Issues(Path), i => (i.Description ?? "").Contains("project=clean", StringComparison.Ordinal));
        Assert.Equal(2, gitlab.Issues(Path).Count);
        Assert.Empty(bed.GitHub.Issues(DriftTestBed.Owner, DriftTestBed.Name));
    }

    private static IReadOnlyList<FakeGitLabIssue> DriftIssues(FakeGitLabServer gitlab) =>
        gitlab.Issues(Path).Where(i => i.Labels.Contains(DriftIssueText.Label)).ToList();

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
