using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Functions.Approvals;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// The approval link against the real PostgreSQL recorder: one approval however often a token is confirmed, and every
/// kind of bad link or approver refused with a clear answer and nothing changed.
/// </summary>
public sealed class ApprovalLinkSafetyTests
{
    private const int Pr = 7;

    private static async Task<(LifecycleBed Bed, TwoProjectRepo Repo, string Link)> PlannedAsync(string name)
    {
        var bed = await LifecycleBed.StartAsync(name);
        var repo = new TwoProjectRepo();
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "rita", "read");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "octocat", "admin");
        await bed.OpenAsync(Pr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, author: "octocat");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        return (bed, repo, await bed.ApprovalLinkAsync(Pr, "network"));
    }

    /// <summary>Signs <paramref name="user"/> in through the fake GitHub and returns the confirmation form's anti-forgery token.</summary>
    private static async Task<string?> SignInAsync(LifecycleBed bed, ApprovalBrowser browser, string link, string user)
    {
        bed.Fake.OAuthSignedInUser = user;
        var (response, body, _) = await browser.SignInAsync(link);
        Assert.True(response.IsSuccessStatusCode, body);
        return ApprovalBrowser.AntiForgery(body);
    }

    private static Task<long> ApprovalsAsync(LifecycleBed bed, string project = "network") =>
        bed.ScalarAsync($"select coalesce(jsonb_array_length(lifecycle->'approvals'), 0) from project_runs where name = '{project}' and run_id = (select max(id) from runs where pr_number = {Pr})");

    [Fact]
    public async Task A_hundred_concurrent_confirmations_of_one_link_record_exactly_one_approval()
    {
        var (bed, repo, link) = await PlannedAsync("lc_link_race");
        await using var _ = bed;
        using var __ = repo;
        using var browser = new ApprovalBrowser();
        var antiForgery = await SignInAsync(bed, browser, link, "alice");
        Assert.NotNull(antiForgery);

        var posts = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = antiForgery! })));

        Assert.Equal(1, posts.Count(p => p.Response.StatusCode == HttpStatusCode.OK));
        Assert.All(posts.Where(p => p.Response.StatusCode != HttpStatusCode.OK), p => Assert.Equal(HttpStatusCode.Conflict, p.Response.StatusCode));
        Assert.Equal(1, await ApprovalsAsync(bed));
        Assert.Equal(0, await ApprovalsAsync(bed, "app")); // the link names one project
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from approval_tokens_used"));
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from audit_events where action = 'approved'"));
        await bed.WaitForCommentAsync(Pr, "Approval by @alice recorded");

        // Used: the page says so and offers no form.
        var (again, page) = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already used", page);
        Assert.DoesNotContain("terraflow_antiforgery", page);
    }

    [Fact]
    public async Task Bad_links_and_ineligible_approvers_are_refused_and_change_nothing()
    {
        var (bed, repo, link) = await PlannedAsync("lc_link_refusals");
        await using var _ = bed;
        using var __ = repo;
        var links = bed.Host.Services.GetRequiredService<ApprovalLinks>();
        var runId = await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}");

        // A reader is not an eligible approver; the author may not approve their own change.
        foreach (var user in new[] { "rita", "octocat" })
        {
            using var browser = new ApprovalBrowser();
            var antiForgery = await SignInAsync(bed, browser, link, user);
            var (response, body) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = antiForgery! });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains(user == "rita" ? "not an eligible approver" : "author", body);
        }

        using (var browser = new ApprovalBrowser())
        {
            await SignInAsync(bed, browser, link, "alice");
            // No anti-forgery token, or one from another link.
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostFormAsync(link, new Dictionary<string, string>())).Response.StatusCode);
            // Tampered token: one character of the signature changed.
            var tampered = link[..^1] + (link[^1] == 'A' ? 'B' : 'A');
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(tampered)).Response.StatusCode);
            // Expired (issued 73 hours ago for the right plan).
            var sha = await PlanShaAsync(bed);
            var expired = links.Issue(runId, "network", sha, DateTimeOffset.UtcNow.AddHours(-73));
            Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(expired)).Response.StatusCode);
            // Signed, current, but for another plan file than the one stored.
            var wrongPlan = links.Issue(runId, "network", new string('a', 64), DateTimeOffset.UtcNow);
            var (wrong, wrongPage) = await browser.GetAsync(wrongPlan);
            Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
            Assert.Contains("plan changed", wrongPage);
        }
        Assert.Equal(0, await ApprovalsAsync(bed));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from approval_tokens_used"));

        // A new push supersedes the plan: the old link is dead, even for an eligible approver holding a valid form.
        using var late = new ApprovalBrowser();
        var lateForm = await SignInAsync(bed, late, link, "alice");
        repo.Git.Write("network/extra.tf", "# more\n");
        var newer = repo.Git.Commit("newer push");
        bed.GitHub.UpdatePullRequest(bed.GitHub.PullRequest(Owner, Repo, Pr)! with { HeadSha = newer });
        await bed.SendAsync("pull_request", GitHubWebhooks.PullRequest(new(Owner, Repo, Pr, newer, repo.BaseSha, repo.Git.CloneUrl, "synchronize")));
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where id = {runId} and status = 'superseded'"), n => n == 1, what: "superseded");
        var (page, pageBody) = await late.GetAsync(link);
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("newer push", pageBody);
        var (post, postBody) = await late.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = lateForm! });
        Assert.Equal(HttpStatusCode.Conflict, post.StatusCode);
        Assert.Contains("newer push", postBody);
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from approval_tokens_used"));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from audit_events where action = 'approved'"));
    }

    [Fact]
    public async Task Approve_through_the_link_then_apply_and_merge()
    {
        var (bed, repo, link) = await PlannedAsync("lc_link_apply");
        await using var _ = bed;
        using var __ = repo;
        using var browser = new ApprovalBrowser();

        // The link page itself never approves; sign-in then the confirmation POST does.
        var (preview, previewBody) = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("Sign in", previewBody, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await ApprovalsAsync(bed));
        var antiForgery = await SignInAsync(bed, browser, link, "alice");
        var (confirmed, _) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = antiForgery! });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        await bed.CommentAsync(Pr, "terraflow apply -p network", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        Assert.Equal("planned", await bed.ProjectStatusAsync(Pr, "app")); // approved through its own link only

        await bed.CloseAsync(Pr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, merged: true);
        await bed.WaitForCommentAsync(Pr, "`app`: its plan was never applied");
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from project_locks"), n => n == 0, what: "locks released on merge");
        var events = await bed.ScalarAsync("select count(*) from audit_events where action in ('approved', 'apply-started', 'applied', 'merged')");
        Assert.Equal(4, events);
    }

    private static async Task<string> PlanShaAsync(LifecycleBed bed)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(bed.ConnectionString);
        await using var cmd = db.CreateCommand($"select plan_sha256 from project_runs where name = 'network' and run_id = (select max(id) from runs where pr_number = {Pr})");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
