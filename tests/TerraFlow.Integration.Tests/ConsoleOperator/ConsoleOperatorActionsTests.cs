using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Application.Access;
using TerraFlow.Application.Access.ApiTokens;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.ConsoleAuth;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.ConsoleOperator;

/// <summary>
/// The console's operator actions on the real host, runner, PostgreSQL and the GitHub stand-in: an operator re-plans a
/// pull request's project from the run page (a new run plans it again, audited as the console; without the
/// anti-forgery token 400), takes a waiting pull request out of a lock's queue (it is told, leaves the queue, the holder
/// keeps the lock); a viewer is refused; a read-scoped API token is refused on both JSON actions, an operate-scoped
/// one is accepted; a closed pull request cannot be re-planned (409).
/// </summary>
public sealed class ConsoleOperatorActionsTests
{
    private const string Operator = "alice";
    private const string Viewer = "rita";

    [Fact]
    public async Task Operator_replans_and_cancels_a_queued_pull_request_viewer_and_read_tokens_are_refused()
    {
        await using var bed = await LifecycleBed.StartAsync("console_operator");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, Operator, "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, Viewer, "read");
        using var repo = new TwoProjectRepo();
        await bed.OpenAsync(7, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(7, "network", "planned");
        await bed.WaitForProjectStatusAsync(7, "app", "planned");
        var second = Branch(repo, "second", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"firewall\" {}\n");
        await bed.OpenAsync(8, second, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(8, "network", "waiting_for_lock");
        var run7 = await bed.ScalarAsync("select max(id) from runs where pr_number = 7");
        var url = bed.PublicUrl;

        using var alice = await SessionAsync(bed, Operator);
        using var rita = await SessionAsync(bed, Viewer);

        // ---- re-plan from the run page ----
        var runPage = await alice.GetStringAsync($"{url}/console/runs/{run7}");
        Assert.Contains($"action=\"/console/runs/{run7}/replan\"", runPage);
        var csrf = ConsoleBrowser.AntiForgery(runPage)!;
        Assert.DoesNotContain("/replan", await rita.GetStringAsync($"{url}/console/runs/{run7}"));
        using (var missing = await alice.PostAsync($"{url}/console/runs/{run7}/replan", Form(("project", "network"))))
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from runs where pr_number = 7"));

        var plansBefore = bed.GitHub.Statuses.Count(s => s.Repo == Repo && s.Context == "terraflow/plan: network");
        using (var replanned = await alice.PostAsync($"{url}/console/runs/{run7}/replan", Form(("terraflow_csrf", csrf), ("project", "network"))))
        {
            var body = await replanned.Content.ReadAsStringAsync();
            Assert.True(replanned.StatusCode == HttpStatusCode.Accepted, body);
            Assert.Contains("Re-plan queued", body);
        }
        // Exactly a `terraflow plan -p network` by alice: a new run of #7 plans network again, audited as the console.
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from runs where pr_number = 7"), n => n == 2, null, "a second run of #7");
        await bed.WaitForProjectStatusAsync(7, "network", "planned");
        Assert.True(bed.GitHub.Statuses.Count(s => s.Repo == Repo && s.Context == "terraflow/plan: network") > plansBefore, "a new plan status of network");
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from audit_events where run_id = {run7} and action = 'command-plan' and actor = '{Operator} (github, console)'"));
        Assert.Equal(7, await bed.ScalarAsync("select pr_number from project_locks where lock_key = 'network::default'"));

        // ---- cancel #8's wait for network: a viewer is refused, the operator confirms ----
        var cancelQuery = $"?provider=github&repository={Owner}%2F{Repo}&dir=network&workspace=default&pull_request=8";
        using (var refused = await rita.GetAsync($"{url}/console/locks/cancel{cancelQuery}"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"/console/locks/cancel{cancelQuery.Replace("&", "&amp;")}", await alice.GetStringAsync($"{url}/console/locks"));
        var confirm = await alice.GetStringAsync($"{url}/console/locks/cancel{cancelQuery}");
        Assert.Contains("Cancel a queued pull request?", confirm);
        using (var cancelled = await alice.PostAsync($"{url}/console/locks/cancel", Form(("terraflow_csrf", ConsoleBrowser.AntiForgery(confirm)!),
                   ("provider", "github"), ("repository", $"{Owner}/{Repo}"), ("dir", "network"), ("workspace", "default"), ("pull_request", "8"))))
        {
            var body = await cancelled.Content.ReadAsStringAsync();
            Assert.True(cancelled.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains("Removed from the queue", body);
        }
        await bed.WaitForCommentAsync(8, $"@{Operator} took this pull request out of the queue for the lock of `network`");
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from lock_queue where pr_number = 8"));
        Assert.Equal(7, await bed.ScalarAsync("select pr_number from project_locks where lock_key = 'network::default'"));
        Assert.Equal("cancelled", await bed.ProjectStatusAsync(8, "network"));
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from audit_events where action = 'dequeued' and actor = '{Operator} (github, console)'"));

        // ---- JSON with API tokens: read scope refused on both, operate scope accepted ----
        var tokens = bed.Host.Services.GetRequiredService<ApiTokenService>();
        var owner = new ConsoleUser("github", Operator, Operator, ConsoleRole.Viewer, []);
        var (_, read) = await tokens.CreateAsync(owner, "read", "read", null, CancellationToken.None);
        var (_, operate) = await tokens.CreateAsync(owner, "operate", "operate", null, CancellationToken.None);
        var third = Branch(repo, "third", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"gateway\" {}\n");
        await bed.OpenAsync(9, third, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(9, "network", "waiting_for_lock");
        var cancel9 = JsonSerializer.Serialize(new { repository = $"{Owner}/{Repo}", dir = "network", workspace = "default", pullRequest = 9 });
        using var api = new HttpClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(Json(HttpMethod.Post, $"{url}/api/locks/cancel", cancel9, read))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(Json(HttpMethod.Post, $"{url}/api/runs/{run7}/replan", "{}", read))).StatusCode);
        // A session cookie needs the anti-forgery header on the JSON routes too.
        using (var noHeader = await alice.PostAsync($"{url}/api/locks/cancel", new StringContent(cancel9, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, noHeader.StatusCode);
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from lock_queue where pr_number = 9"));

        using (var accepted = await api.SendAsync(Json(HttpMethod.Post, $"{url}/api/locks/cancel", cancel9, operate)))
        {
            var body = await accepted.Content.ReadAsStringAsync();
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, body);
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("cancelled").GetBoolean());
        }
        await bed.WaitForCommentAsync(9, "took this pull request out of the queue");
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from lock_queue where pr_number = 9"));
        var latest7 = await bed.ScalarAsync("select max(id) from runs where pr_number = 7");
        using (var replan = await api.SendAsync(Json(HttpMethod.Post, $"{url}/api/runs/{latest7}/replan", "{\"project\":\"app\"}", operate)))
            Assert.True(replan.StatusCode == HttpStatusCode.Accepted, await replan.Content.ReadAsStringAsync());
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from runs where pr_number = 7"), n => n == 3, null, "a third run of #7");

        // ---- a closed pull request is not re-planned ----
        var run9 = await bed.ScalarAsync("select max(id) from runs where pr_number = 9");
        await bed.CloseAsync(9, third, repo.BaseSha, repo.Git.CloneUrl, merged: false);
        using (var closed = await api.SendAsync(Json(HttpMethod.Post, $"{url}/api/runs/{run9}/replan", "", operate)))
        {
            Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
            Assert.Contains("closed or merged", await closed.Content.ReadAsStringAsync());
        }
    }

    /// <summary>A branch off the base whose network change competes for #7's lock.</summary>
    private static string Branch(TwoProjectRepo repo, string name, string networkTf)
    {
        repo.Git.Git("checkout", "-q", repo.BaseSha);
        repo.Git.Checkout(name, create: true);
        repo.Git.Write("network/main.tf", networkTf);
        return repo.Git.Commit(name + " change to network");
    }

    /// <summary>A client with a real console session of <paramref name="login"/> (a GitHub user; the VCS host decides the repository access).</summary>
    private static async Task<HttpClient> SessionAsync(LifecycleBed bed, string login)
    {
        var (cookie, _) = await bed.Host.Services.GetRequiredService<ConsoleSessions>()
            .StartAsync(new ConsoleUser("github", login, login, ConsoleRole.Viewer, []), CancellationToken.None);
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", ConsoleSessions.CookieName + "=" + cookie);
        return client;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static HttpRequestMessage Json(HttpMethod method, string url, string body, string bearer)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }
}
