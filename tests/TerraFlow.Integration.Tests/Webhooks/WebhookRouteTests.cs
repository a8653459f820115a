using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Webhooks;

/// <summary>
/// <c>/api/webhooks/{provider}</c> is one pipeline for every registered VCS host: the two routes hosts are configured
/// with (<c>/api/webhooks/github</c>, <c>/api/webhooks/gitlab</c>) keep working and each checks its own host's
/// signature or token; a provider nobody registered is a 404 that says so, stores nothing, and is never handed to
/// another host.
/// </summary>
public sealed class WebhookRouteTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private TerraFlowTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("webhook-routes");
        _host = await TerraFlowTestHost.StartAsync(db, _github, settings: new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:WebhookSecret"] = GitLabWebhooks.Secret,
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData("bitbucket")]
    [InlineData("gitea")]
    public async Task An_unknown_provider_is_a_404_naming_the_registered_hosts_and_stores_nothing(string provider)
    {
        // A delivery GitHub would sign correctly: the route, not the signature, decides which host's rules apply.
        using var response = await SendGitHubStyle(provider, "ping", """{"zen":"Keep it logically awesome.","hook_id":1}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (status, reason) = await Answer(response);
        Assert.Equal("rejected", status);
        Assert.Contains($"no VCS host '{provider}' is registered", reason);
        Assert.Contains("registered: azuredevops, github, gitlab", reason);
        Assert.Equal(0L, await Deliveries());
    }

    [Fact]
    public async Task A_provider_segment_that_is_not_a_name_is_not_echoed()
    {
        using var response = await SendGitHubStyle("%3Cscript%3Ealert(1)%3C%2Fscript%3E", "ping", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (_, reason) = await Answer(response);
        Assert.DoesNotContain("script", reason);
        Assert.Contains("registered: azuredevops, github, gitlab", reason);
    }

    [Fact]
    public async Task The_github_route_verifies_githubs_signature_and_stores_the_delivery_as_github()
    {
        var delivery = Guid.NewGuid().ToString();
        using var response = await GitHubWebhooks.SendAsync(_http, _host.BaseUrl, "ping", """{"zen":"Design for failure.","hook_id":2}""", TerraFlowTestHost.WebhookSecret, delivery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("ignored", "pong"), await Answer(response));
        Assert.Equal(1L, await Deliveries($"provider = 'github' and delivery_id = '{delivery}'"));
    }

    [Fact]
    public async Task The_gitlab_route_checks_gitlabs_token_and_stores_the_delivery_as_gitlab()
    {
        var key = Guid.NewGuid().ToString();
        using var response = await GitLabWebhooks.SendAsync(_http, _host.BaseUrl, "Push Hook", """{"object_kind":"push"}""", new GitLabWebhooks.Delivery(IdempotencyKey: key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await Answer(response)).Status);
        Assert.Equal(1L, await Deliveries($"provider = 'gitlab' and delivery_id = '{key}'"));
    }

    [Fact]
    public async Task Each_route_applies_its_own_hosts_check_only()
    {
        // A correctly signed GitHub delivery sent to the GitLab route carries no GitLab token: refused, nothing stored.
        using var toGitLab = await SendGitHubStyle("gitlab", "ping", """{"zen":"Approachable is better than simple.","hook_id":3}""");
        Assert.Equal(HttpStatusCode.Unauthorized, toGitLab.StatusCode);
        Assert.Equal(("rejected", "missing or invalid X-Gitlab-Token"), await Answer(toGitLab));

        // A GitLab delivery with the right token sent to the GitHub route has no GitHub signature.
        using var request = new HttpRequestMessage(HttpMethod.Post, _host.BaseUrl + "/api/webhooks/github") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Gitlab-Token", GitLabWebhooks.Secret);
        request.Headers.Add("X-Gitlab-Event", "Push Hook");
        using var toGitHub = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, toGitHub.StatusCode);
        Assert.Equal(("rejected", "missing or invalid X-Hub-Signature-256"), await Answer(toGitHub));

        Assert.Equal(0L, await Deliveries());
    }

    private async Task<HttpResponseMessage> SendGitHubStyle(string providerSegment, string eventName, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_host.BaseUrl}/api/webhooks/{providerSegment}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", GitHubWebhookVerifier.ComputeSignature(TerraFlowTestHost.WebhookSecret, bytes));
        return await _http.SendAsync(request);
    }

    private async Task<long> Deliveries(string where = "true") =>
        (long)(await GitHubPullRequestTests.Scalar(_host, "select count(*) from webhook_deliveries where " + where))!;

    private static async Task<(string Status, string Reason)> Answer(HttpResponseMessage response)
    {
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (json.GetProperty("status").GetString()!, json.GetProperty("reason").GetString()!);
    }
}
