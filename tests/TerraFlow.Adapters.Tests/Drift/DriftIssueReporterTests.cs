using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;

namespace TerraFlow.Adapters.Tests.Drift;

/// <summary>
/// One issue per drifted project on GitHub and GitLab (stand-ins), with the issue number kept in PostgreSQL:
/// created, edited in place, closed with a comment, failed checks distinct, idempotent per (project, run).
/// </summary>
public sealed class DriftIssueReporterTests
{
    private sealed record Seen(long Number, bool Open, string Title, string Body, IReadOnlyList<string> Labels, string Author);

    private static IReadOnlyList<Seen> Issues(DriftTestSetup s, string provider) => provider == "github"
        ? s.GitHub.Issues("acme", "infra").Select(i => new Seen(i.Number, i.State == "open", i.Title, i.Body ?? "", i.Labels, i.Author)).ToList()
        : s.GitLab.Issues("acme/infra").Select(i => new Seen(i.Iid, i.State == "opened", i.Title, i.Description ?? "", i.Labels, i.Author)).ToList();

    private static IReadOnlyList<string> Comments(DriftTestSetup s, string provider, long number) => provider == "github"
        ? s.GitHub.Comments("acme", "infra", (int)number).Select(c => c.Body).ToList()
        : s.GitLab.IssueNotes("acme/infra", (int)number).Select(n => n.Body).ToList();

    private static int ContentRequests(DriftTestSetup s, string provider) => provider == "github"
        ? s.GitHub.Requests.Count(r => r.Method != "GET")
        : s.GitLab.Requests.Count(r => r.Method != "GET");

    private static int AllRequests(DriftTestSetup s, string provider) => provider == "github" ? s.GitHub.Requests.Count : s.GitLab.Requests.Count;

    private static async Task<DriftTestSetup> StartAsync(string provider)
    {
        var setup = await DriftTestSetup.StartAsync("drift_issues_" + provider);
        setup.GitHub.AddRepository("acme", "infra");
        setup.GitLab.AddProject("acme/infra");
        return setup;
    }

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab")]
    public async Task Drift_opens_one_issue_edits_it_closes_it_with_a_comment_and_reopens_it(string provider)
    {
        await using var s = await StartAsync(provider);
        var network = await s.AddProjectAsync(provider, "acme", "infra", "network");
        var reporter = s.IssueReporter;

        await reporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Clean, changed: 2), default);
        var issue = Assert.Single(Issues(s, provider));
        Assert.True(issue.Open);
        Assert.Equal("Drift: network in acme/infra", issue.Title);
        Assert.Contains(DriftIssueText.Label, issue.Labels);
        Assert.StartsWith("<!-- terraflow:drift:project=network -->", issue.Body, StringComparison.Ordinal);
        Assert.Contains("terraform_data.r1", issue.Body, StringComparison.Ordinal);

        // The next check edits the same issue in place.
        var second = s.Check(network, DriftState.Drifted, DriftState.Drifted, changed: 3);
        await reporter.ReportAsync(second, default);
        issue = Assert.Single(Issues(s, provider));
        Assert.Contains("terraform_data.r2", issue.Body, StringComparison.Ordinal);
        Assert.Contains($"runs/{second.RunId}", issue.Body, StringComparison.Ordinal);

        // The outbox may deliver the same report again: nothing is sent, not even a read.
        var before = AllRequests(s, provider);
        await reporter.ReportAsync(second, default);
        Assert.Equal(before, AllRequests(s, provider));

        // A clean check comments and closes.
        var clean = s.Check(network, DriftState.Clean, DriftState.Drifted);
        await reporter.ReportAsync(clean, default);
        issue = Assert.Single(Issues(s, provider));
        Assert.False(issue.Open);
        var comment = Assert.Single(Comments(s, provider, issue.Number));
        Assert.True(DriftIssueText.IsCommentForRun(comment, clean.RunId));
        Assert.Contains("no changes", comment, StringComparison.Ordinal);
        await reporter.ReportAsync(clean, default);
        Assert.Single(Comments(s, provider, issue.Number));

        // Drift again: the same issue, open again.
        await reporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Clean), default);
        issue = Assert.Single(Issues(s, provider));
        Assert.True(issue.Open);
        Assert.Contains("Drift detected", issue.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab")]
    public async Task A_failed_check_is_reported_as_failed_not_as_drift(string provider)
    {
        await using var s = await StartAsync(provider);
        var app = await s.AddProjectAsync(provider, "acme", "infra", "app");
        var reporter = s.IssueReporter;

        // Failed with no issue: an issue about the failure, labelled as such.
        await reporter.ReportAsync(s.Check(app, DriftState.Failed, DriftState.Never), default);
        var issue = Assert.Single(Issues(s, provider));
        Assert.Equal("Drift check failing: app in acme/infra", issue.Title);
        Assert.Contains(DriftIssueText.FailedLabel, issue.Labels);
        Assert.DoesNotContain("Drift detected", issue.Body, StringComparison.Ordinal);
        Assert.Contains("Failed to install provider", issue.Body, StringComparison.Ordinal);

        // Then drift: the same issue becomes the drift issue; the failed label goes.
        await reporter.ReportAsync(s.Check(app, DriftState.Drifted, DriftState.Failed), default);
        issue = Assert.Single(Issues(s, provider));
        Assert.Equal("Drift: app in acme/infra", issue.Title);
        Assert.DoesNotContain(DriftIssueText.FailedLabel, issue.Labels);

        // A failing check while drift is open keeps the drift's details and adds the failure.
        await reporter.ReportAsync(s.Check(app, DriftState.Failed, DriftState.Drifted), default);
        issue = Assert.Single(Issues(s, provider));
        Assert.True(issue.Open);
        Assert.Contains(DriftIssueText.FailedLabel, issue.Labels);
        Assert.Contains("terraform_data.r1", issue.Body, StringComparison.Ordinal);
        Assert.Contains("The last check failed", issue.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab")]
    public async Task A_lost_row_finds_the_issue_by_its_marker_and_ignores_look_alikes(string provider)
    {
        await using var s = await StartAsync(provider);
        var network = await s.AddProjectAsync(provider, "acme", "infra", "network");
        var reporter = s.IssueReporter;
        await reporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Clean), default);
        var original = Assert.Single(Issues(s, provider));

        // Someone else writes an issue that looks like TerraFlow's (same marker and label): never edited.
        var fake = $"{DriftIssueText.Marker(network.Project)}\nnot TerraFlow's";
        if (provider == "github") s.GitHub.AddIssue("acme", "infra", "look-alike", fake, "mallory", [DriftIssueText.Label]);
        else s.GitLab.AddIssue("acme/infra", "look-alike", fake, "mallory", DriftIssueText.Label);

        await s.ForgetIssueRowsAsync();
        await reporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Drifted, changed: 5), default);

        var issues = Issues(s, provider);
        Assert.Equal(2, issues.Count);
        Assert.Contains("terraform_data.r4", issues.Single(i => i.Number == original.Number).Body, StringComparison.Ordinal);
        Assert.Equal(fake, issues.Single(i => i.Number != original.Number).Body);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab")]
    public async Task A_crash_between_opening_and_recording_the_issue_opens_no_second_one(string provider)
    {
        await using var s = await StartAsync(provider);
        var network = await s.AddProjectAsync(provider, "acme", "infra", "network");
        var check = s.Check(network, DriftState.Drifted, DriftState.Clean);
        await s.IssueReporter.ReportAsync(check, default);
        // As if the process died after the host created the issue: the row still says "being opened".
        await using (var cmd = s.Db.CreateCommand("update drift_issues set issue_number = null, last_run_id = 0"))
            await cmd.ExecuteNonQueryAsync();

        await s.IssueReporter.ReportAsync(check, default);
        Assert.Single(Issues(s, provider));
    }

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab")]
    public async Task Clean_checks_of_a_project_that_never_drifted_send_nothing(string provider)
    {
        await using var s = await StartAsync(provider);
        var app = await s.AddProjectAsync(provider, "acme", "infra", "app");
        var before = AllRequests(s, provider);
        await s.IssueReporter.ReportAsync(s.Check(app, DriftState.Clean, DriftState.Never), default);
        await s.IssueReporter.ReportAsync(s.Check(app, DriftState.Clean, DriftState.Clean), default);
        Assert.Equal(before, AllRequests(s, provider));
        Assert.Empty(Issues(s, provider));
    }

    [Fact]
    public async Task A_person_closing_a_current_drift_issue_is_not_undone()
    {
        await using var s = await StartAsync("github");
        var network = await s.AddProjectAsync("github", "acme", "infra", "network");
        await s.IssueReporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Clean), default);
        var issue = Assert.Single(s.GitHub.Issues("acme", "infra"));
        // A person closes it through the API while the drift is still there.
        using (var http = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"{s.GitHub.ApiUrl}/repos/acme/infra/issues/{issue.Number}")
            {
                Content = new StringContent("{\"state\":\"closed\",\"state_reason\":\"not_planned\"}"),
            };
            request.Headers.Authorization = new("Bearer", s.GitHub.Token);
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        await s.IssueReporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Drifted, changed: 4), default);
        var after = Assert.Single(s.GitHub.Issues("acme", "infra"));
        Assert.Equal("closed", after.State);
        Assert.Contains("terraform_data.r3", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_people_added_survive_TerraFlow_edits()
    {
        await using var s = await StartAsync("gitlab");
        var network = await s.AddProjectAsync("gitlab", "acme", "infra", "network");
        await s.IssueReporter.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Clean), default);
        var iid = Assert.Single(s.GitLab.Issues("acme/infra")).Iid;
        using (var http = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{s.GitLab.ApiUrl}/projects/acme%2Finfra/issues/{iid}")
            {
                Content = new StringContent($"labels={DriftIssueText.Label},team-network", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.Add("PRIVATE-TOKEN", s.GitLab.Token);
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }
        await s.IssueReporter.ReportAsync(s.Check(network, DriftState.Failed, DriftState.Drifted), default);
        var labels = Assert.Single(s.GitLab.Issues("acme/infra")).Labels;
        Assert.Contains("team-network", labels);
        Assert.Contains(DriftIssueText.FailedLabel, labels);
    }
}
