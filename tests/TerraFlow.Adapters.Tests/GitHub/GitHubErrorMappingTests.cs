using System.Net;
using System.Text;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitHub.Api;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Responses the stand-in does not produce on its own, answered by a canned handler.</summary>
public class GitHubErrorMappingTests
{
    private static readonly RepoRef Repo = new("acme", "infra");

    [Fact]
    public async Task Plain_forbidden_is_permanent()
    {
        var client = ClientAnswering(HttpStatusCode.Forbidden, """{"message":"Resource not accessible by integration","status":"403"}""");
        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => client.CreateCommentAsync(Repo, 1, "x", default));
        Assert.Equal(403, ex.StatusCode);
        Assert.Contains("Resource not accessible by integration", ex.Message);
    }

    [Fact]
    public async Task Secondary_rate_limit_forbidden_is_transient()
    {
        var client = ClientAnswering(HttpStatusCode.Forbidden,
            """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","status":"403"}""");
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateCommentAsync(Repo, 1, "x", default));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task Non_json_error_page_is_reported_briefly()
    {
        var client = ClientAnswering(HttpStatusCode.BadGateway, "<html><body>" + new string('x', 1000) + "</body></html>");
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetPullRequestAsync(Repo, 1, default));
        Assert.True(ex.Message.Length < 400, ex.Message);
    }

    [Fact]
    public async Task Garbled_success_body_is_transient()
    {
        var client = ClientAnswering(HttpStatusCode.OK, "{not json");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetPullRequestAsync(Repo, 1, default));
    }

    [Fact]
    public async Task Follows_next_link_among_prev_and_last()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """[{"id":1,"body":"a","user":{"login":"u"}}]""",
            link: "<https://api.github.com/repositories/1/issues/1/comments?page=1>; rel=\"prev\", "
                + "<https://api.github.com/repositories/1/issues/1/comments?page=3>; rel=\"next\", "
                + "<https://api.github.com/repositories/1/issues/1/comments?page=5>; rel=\"last\"",
            linkOnlyOnFirstCall: true);
        var comments = await Client(handler).ListCommentsAsync(Repo, 1, default);
        Assert.Equal(2, comments.Count);
        // Octokit repeats the first request's parameters on the link it follows; the page is the link's.
        Assert.Equal("/repositories/1/issues/1/comments", handler.LastUri!.AbsolutePath);
        Assert.Contains("page=3", handler.LastUri.Query);
    }

    [Fact]
    public async Task Pagination_link_to_another_host_is_not_followed_with_credentials()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "[]",
            link: "<https://evil.example/repositories/1/issues/1/comments?page=2>; rel=\"next\"");
        var client = Client(handler);
        await Assert.ThrowsAsync<VcsPermanentException>(() => client.ListCommentsAsync(Repo, 1, default));
        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/repos/o/r")]
    [InlineData("https://api.github.com/", "https://api.github.com/repos/o/r")]
    [InlineData("https://ghe.example/api/v3", "https://ghe.example/api/v3/repos/o/r")]
    [InlineData("https://ghe.example/api/v3/", "https://ghe.example/api/v3/repos/o/r")]
    [InlineData("https://ghe.example/github/api/v3", "https://ghe.example/github/api/v3/repos/o/r")]
    [InlineData("https://github.com", "https://api.github.com/repos/o/r")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/repos/o/r")]
    public async Task Urls_are_built_relative_to_the_api_root(string apiUrl, string expected)
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """{"number":1,"state":"open","merged":false,"user":{"login":"a"},"head":{"sha":"h","ref":"f","repo":null},"base":{"sha":"b","ref":"main","repo":{"clone_url":"u"}}}""");
        var client = Client(handler, apiUrl);
        await client.GetPullRequestAsync(new RepoRef("o", "r"), 1, default);
        Assert.Equal(expected + "/pulls/1", handler.LastUri!.ToString());
    }

    private static GitHubClient ClientAnswering(HttpStatusCode status, string body) => Client(new CannedHandler(status, body));

    private static GitHubClient Client(CannedHandler handler, string apiUrl = "https://api.github.com")
    {
        var options = new GitHubOptions { ApiUrl = apiUrl, Token = "ghp_secret" };
        var api = new GitHubApi(options, transport: handler);
        return new GitHubClient(api, new GitHubAppTokenProvider(api, options));
    }

    private sealed class CannedHandler(HttpStatusCode status, string body, string? link = null, bool linkOnlyOnFirstCall = false)
        : HttpMessageHandler
    {
        public int Calls { get; private set; }
        public Uri? LastUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastUri = request.RequestUri;
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (link is not null && (!linkOnlyOnFirstCall || Calls == 1)) response.Headers.TryAddWithoutValidation("Link", link);
            return Task.FromResult(response);
        }
    }
}
