using System.Net;
using System.Web;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Testing.FakeGitLabOAuth;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Providers;

/// <summary>
/// Approval links of GitLab merge requests: the approver signs in with GitLab (OAuth authorization code, scope
/// read_user, against a local stand-in of a self-managed instance under a path), and that session approves GitLab runs
/// only: a GitLab login never counts as a GitHub one, and the other way round.
/// </summary>
public sealed class GitLabApprovalSignInTests
{
    private const string PlanHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static async Task<(ProvidersTestHost Host, ProviderApprovalRecorder Recorder)> StartAsync(FakeGitLabOAuthServer gitlab, bool configured = true)
    {
        var baseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        gitlab.Options.RedirectUri = baseUrl + "/api/oauth/gitlab/callback";
        var settings = new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ApiUrl"] = gitlab.ApiUrl,
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
        };
        if (configured)
        {
            settings["TerraFlow:GitLab:ClientId"] = gitlab.Options.ClientId;
            settings["TerraFlow:GitLab:ClientSecret"] = gitlab.Options.ClientSecret;
        }
        var recorder = new ProviderApprovalRecorder();
        return (await ProvidersTestHost.StartAsync(settings, recorder: recorder, baseUrl: baseUrl), recorder);
    }

    [Fact]
    public async Task A_gitlab_user_signs_in_with_gitlab_and_approves_a_gitlab_run()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync(new FakeGitLabOAuthOptions { PathPrefix = "/gitlab", SignedInUser = "gitlab-alice" });
        var (host, recorder) = await StartAsync(gitlab);
        await using var _ = host;
        var link = host.Links.Issue(ProviderApprovalRecorder.GitLabRun, "network", PlanHash, DateTimeOffset.UtcNow);
        using var browser = new ApprovalBrowser();

        var (first, firstBody) = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Sign in with GitLab", firstBody);
        Assert.DoesNotContain("<form", firstBody);

        var (page, body, hops) = await browser.SignInAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // sign-in → GitLab's authorize page (under the instance's path) → TerraFlow's GitLab callback → the link.
        Assert.Equal(4, hops.Count);
        Assert.Equal(gitlab.WebUrl + "/oauth/authorize", hops[1].GetLeftPart(UriPartial.Path));
        var authorize = HttpUtility.ParseQueryString(hops[1].Query);
        Assert.Equal("code", authorize["response_type"]);
        Assert.Equal("read_user", authorize["scope"]);
        Assert.Equal(gitlab.Options.ClientId, authorize["client_id"]);
        Assert.Equal(host.BaseUrl + "/api/oauth/gitlab/callback", authorize["redirect_uri"]);
        Assert.Equal("/api/oauth/gitlab/callback", hops[2].AbsolutePath);
        Assert.Equal(link, hops[3].AbsoluteUri);
        Assert.Contains("Signed in as <strong>gitlab-alice</strong> (GitLab)", body);
        Assert.Equal(1, gitlab.IssuedTokens);
        Assert.Contains(gitlab.Requests, r => r.Path == "/gitlab/api/v4/user" && r.Authorization.StartsWith("Bearer ", StringComparison.Ordinal));

        var cookies = browser.Cookies.GetAllCookies();
        Assert.Contains(cookies, c => c.Name == "terraflow_approver_gitlab" && c.HttpOnly);
        Assert.DoesNotContain(cookies, c => c.Name == "terraflow_approver");

        var (approved, approvedBody) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = ApprovalBrowser.AntiForgery(body)! });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("gitlab-alice", approvedBody);
        Assert.Equal([(ProviderApprovalRecorder.GitLabRun, "gitlab-alice")], recorder.Records);
    }

    [Fact]
    public async Task A_gitlab_session_is_not_a_github_session_even_under_the_github_cookie_name()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync(new FakeGitLabOAuthOptions { SignedInUser = "octocat" });
        var (host, recorder) = await StartAsync(gitlab);
        await using var _ = host;
        var gitlabLink = host.Links.Issue(ProviderApprovalRecorder.GitLabRun, "network", PlanHash, DateTimeOffset.UtcNow);
        var githubLink = host.Links.Issue(ProviderApprovalRecorder.GitHubRun, "network", PlanHash, DateTimeOffset.UtcNow);
        using var browser = new ApprovalBrowser();
        await browser.SignInAsync(gitlabLink);

        // GitLab's "octocat" opens a GitHub run's link: not signed in there (GitHub sign-in is not even configured).
        var (githubPage, githubBody) = await browser.GetAsync(githubLink);
        Assert.Equal(HttpStatusCode.OK, githubPage.StatusCode);
        Assert.DoesNotContain("<form", githubBody);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostFormAsync(githubLink, new Dictionary<string, string> { ["terraflow_antiforgery"] = "AAAA" })).Response.StatusCode);

        // Copying the signed GitLab session into GitHub's cookie does not help: it is signed with GitLab's key.
        var gitlabSession = browser.Cookies.GetAllCookies().Single(c => c.Name == "terraflow_approver_gitlab");
        browser.Cookies.Add(new Uri(host.BaseUrl), new Cookie("terraflow_approver", gitlabSession.Value, "/api/approvals"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostFormAsync(githubLink, new Dictionary<string, string> { ["terraflow_antiforgery"] = "AAAA" })).Response.StatusCode);
        Assert.Empty(recorder.Records);
    }

    [Fact]
    public async Task Denying_access_at_gitlab_signs_nobody_in()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync(new FakeGitLabOAuthOptions { UserDenies = true });
        var (host, recorder) = await StartAsync(gitlab);
        await using var _ = host;
        var link = host.Links.Issue(ProviderApprovalRecorder.GitLabRun, "network", PlanHash, DateTimeOffset.UtcNow);
        using var browser = new ApprovalBrowser();

        var (page, body, hops) = await browser.SignInAsync(link);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("/api/oauth/gitlab/callback", hops[^1].AbsolutePath);
        Assert.Contains("GitLab did not sign you in", body);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name.StartsWith("terraflow_approver", StringComparison.Ordinal));
        Assert.Equal(0, gitlab.IssuedTokens);
        Assert.Empty(recorder.Records);
    }

    [Fact]
    public async Task A_callback_not_started_in_this_browser_is_refused_and_spends_no_code()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync();
        var (host, recorder) = await StartAsync(gitlab);
        await using var _ = host;
        using var browser = new ApprovalBrowser();

        var (response, _) = await browser.GetAsync(host.BaseUrl + "/api/oauth/gitlab/callback?code=abc&state=forged");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(gitlab.Requests, r => r.Path.EndsWith("/oauth/token", StringComparison.Ordinal));
        Assert.Empty(recorder.Records);
    }

    [Fact]
    public async Task Without_a_gitlab_client_id_the_page_says_so_and_never_redirects_to_gitlab()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync();
        var (host, recorder) = await StartAsync(gitlab, configured: false);
        await using var _ = host;
        var link = host.Links.Issue(ProviderApprovalRecorder.GitLabRun, "network", PlanHash, DateTimeOffset.UtcNow);
        using var browser = new ApprovalBrowser();

        var (page, body) = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sign-in with GitLab is not configured", body);
        Assert.Contains("TerraFlow__GitLab__ClientId", body);
        Assert.DoesNotContain("/sign-in", body);
        var (signIn, _) = await browser.GetAsync(link + "/sign-in");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(host.BaseUrl + "/api/oauth/gitlab/callback?code=x&state=y")).Response.StatusCode);
        Assert.Empty(gitlab.Requests);
        Assert.Empty(recorder.Records);
    }
}
