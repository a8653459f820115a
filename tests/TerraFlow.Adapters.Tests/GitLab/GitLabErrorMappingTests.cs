using TerraFlow.Adapters.GitLab;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabErrorMappingTests
{
    private static readonly RepoRef Repo = new("acme/platform", "infra");

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Server_errors_and_rate_limits_are_transient(int status)
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 7, "abc1234", "def5678");
        t.Server.FailNextRequests(1, status);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => t.Client.GetPullRequestAsync(Repo, 7, CancellationToken.None));
        Assert.Equal(status, (int?)ex.StatusCode);
        // The next attempt succeeds: the fault was transient.
        Assert.Equal("abc1234", (await t.Client.GetPullRequestAsync(Repo, 7, CancellationToken.None)).HeadSha);
    }

    [Fact]
    public async Task Missing_merge_request_is_permanent_with_GitLab_message()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddProject("acme/platform/infra");

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => t.Client.GetPullRequestAsync(Repo, 99, CancellationToken.None));
        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("404 Not found", ex.Message);
    }

    [Fact]
    public async Task Missing_project_is_permanent()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => t.Client.CreateCommentAsync(Repo, 1, "x", CancellationToken.None));
        Assert.Contains("404 Project Not Found", ex.Message);
    }

    [Fact]
    public async Task Bad_token_is_permanent_and_the_token_is_not_in_the_message()
    {
        await using var t = await GitLabTestSetup.StartAsync(o => o.Token = "glpat-wrong-token");
        t.Server.AddMergeRequest("acme/platform", "infra", 7, "abc1234", "def5678");

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => t.Client.GetPullRequestAsync(Repo, 7, CancellationToken.None));
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("401 Unauthorized", ex.Message);
        Assert.DoesNotContain("glpat-wrong-token", ex.Message);
    }

    [Fact]
    public async Task Unreachable_server_is_transient()
    {
        var options = new GitLabOptions { ApiUrl = "http://127.0.0.1:1/api/v4", Token = "t" };
        using var http = new HttpClient();
        var client = new GitLabClient(http, options);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetPullRequestAsync(Repo, 1, CancellationToken.None));
    }

    [Fact]
    public async Task A_pagination_link_to_another_host_is_not_followed_with_the_token()
    {
        var handler = new StubHandler();
        using var http = new HttpClient(handler);
        var client = new GitLabClient(http, new GitLabOptions { ApiUrl = "https://gitlab.example/api/v4", Token = "secret" });

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => client.ListCommentsAsync(Repo, 1, CancellationToken.None));
        Assert.Contains("evil.example", ex.Message);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task X_Next_Page_alone_is_enough_to_paginate()
    {
        var handler = new StubHandler { UseLink = false };
        using var http = new HttpClient(handler);
        var client = new GitLabClient(http, new GitLabOptions { ApiUrl = "https://gitlab.example/api/v4", Token = "secret" });

        var comments = await client.ListCommentsAsync(Repo, 1, CancellationToken.None);

        Assert.Equal(2, comments.Count);
        Assert.Equal(2, handler.Calls);
        Assert.Contains("page=2", handler.LastUri!.Query);
    }

    [Fact]
    public async Task Validation_errors_are_permanent_and_name_the_field()
    {
        var handler = new StubHandler { Validation = true };
        using var http = new HttpClient(handler);
        var client = new GitLabClient(http, new GitLabOptions { ApiUrl = "https://gitlab.example/api/v4", Token = "secret" });

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => client.CreateCommentAsync(Repo, 1, "x", CancellationToken.None));
        Assert.Contains("note is too long", ex.Message);
    }

    private sealed class StubHandler : HttpMessageHandler
    {
        public int Calls;
        public bool UseLink = true;
        public bool Validation;
        public Uri? LastUri;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Calls++;
            LastUri = request.RequestUri;
            if (Validation)
                return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"message":{"note":["is too long (maximum is 1000000 characters)"]}}"""),
                });
            var body = $$"""[{"id":{{Calls}},"body":"n{{Calls}}","author":{"id":1,"username":"a"},"system":false}]""";
            // Like SocketsHttpHandler, the response points at its request (the client reads the page URL from it).
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(body), RequestMessage = request };
            if (UseLink) response.Headers.Add("Link", "<https://evil.example/api/v4/projects/1/merge_requests/1/notes?page=2>; rel=\"next\"");
            else response.Headers.Add("X-Next-Page", Calls == 1 ? "2" : "");
            return Task.FromResult(response);
        }
    }
}
