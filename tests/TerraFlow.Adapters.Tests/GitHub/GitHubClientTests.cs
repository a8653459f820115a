using System.Net;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>The real client against the local GitHub stand-in: requests, shapes, pagination and error mapping.</summary>
public class GitHubClientTests
{
    private static readonly RepoRef Repo = new("acme", "infra");
    private const string HeadSha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private const string BaseSha = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Gets_pull_request_fields()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha, BaseSha, headRef: "add-bucket", baseRef: "main", author: "alice");

        var pr = await gh.Client.GetPullRequestAsync(Repo, 7, Ct);

        Assert.Equal(new PullRequestInfo(Repo, 7, HeadSha, BaseSha, "add-bucket", "main",
            $"{gh.Server.RootUrl}/acme/infra.git", "alice", Open: true, Merged: false)
        {
            Mergeable = true,
            MergeableState = "clean",
        }, pr);
    }

    [Fact]
    public async Task Fork_pull_request_reports_the_fork_clone_url_and_merged_state()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 8, HeadSha, BaseSha, author: "bob",
            headCloneUrl: "https://github.com/bob/infra.git", open: false, merged: true, forkOwner: "bob");

        var pr = await gh.Client.GetPullRequestAsync(Repo, 8, Ct);

        Assert.Equal("https://github.com/bob/infra.git", pr.CloneUrl);
        Assert.True(pr.FromFork);
        Assert.False(pr.Open);
        Assert.True(pr.Merged);
    }

    [Fact]
    public async Task Sends_GitHub_headers_with_the_bearer_token()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);

        await gh.Client.GetPullRequestAsync(Repo, 7, Ct);

        var request = Assert.Single(gh.Server.Requests);
        // Octokit's media type names the v3 API explicitly; GitHub documents it beside application/vnd.github+json.
        Assert.StartsWith("application/vnd.github", request.Headers["Accept"]);
        Assert.Equal("2022-11-28", request.Headers["X-GitHub-Api-Version"]);
        Assert.StartsWith("TerraFlow (", request.Headers["User-Agent"]);
        Assert.Contains("Octokit", request.Headers["User-Agent"]);
        Assert.Equal($"Bearer {gh.Server.Token}", request.Authorization);
    }

    [Fact]
    public async Task Creates_and_edits_comments()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);

        var id = await gh.Client.CreateCommentAsync(Repo, 7, "Plan: 1 to add", Ct);
        await gh.Client.UpdateCommentAsync(Repo, id, "Plan: 2 to add", Ct);

        var stored = Assert.Single(gh.Server.Comments("acme", "infra", 7));
        Assert.Equal(id, stored.Id);
        Assert.Equal("Plan: 2 to add", stored.Body);
        Assert.Equal([201, 200], gh.Server.Requests.Select(r => r.ResponseStatus));
    }

    [Fact]
    public async Task Lists_all_comments_across_pages()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        for (var i = 0; i < 250; i++) gh.Server.AddComment("acme", "infra", 7, $"comment {i}", author: i % 2 == 0 ? "alice" : "bob");
        gh.Server.AddComment("acme", "infra", 8, "other PR");

        var comments = await gh.Client.ListCommentsAsync(Repo, 7, Ct);

        Assert.Equal(250, comments.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"comment {i}"), comments.Select(c => c.Body));
        Assert.Equal("alice", comments[0].Author);
        Assert.Equal("bob", comments[249].Author);
        Assert.Equal(gh.Server.Comments("acme", "infra", 7).Select(c => c.Id), comments.Select(c => c.Id));
        // 100 + 100 + 50, following GitHub's Link header rather than guessing page numbers.
        var paths = gh.Server.Requests.Select(r => r.Path + r.Query).ToList();
        Assert.Equal(3, paths.Count);
        Assert.StartsWith("/repos/acme/infra/issues/7/comments?", paths[0]);
        Assert.Contains("per_page=100", paths[0]);
        // GitHub's own links address the repository by id, as api.github.com's do.
        Assert.Matches("^/repositories/[0-9]+/issues/7/comments\\?", paths[1]);
        Assert.Contains("page=2", paths[1]);
        Assert.Contains("page=3", paths[2]);
    }

    [Fact]
    public async Task Lists_empty_comment_thread_in_one_request()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);

        Assert.Empty(await gh.Client.ListCommentsAsync(Repo, 7, Ct));
        Assert.Single(gh.Server.Requests);
    }

    [Fact]
    public async Task Sets_commit_statuses_in_order_with_truncated_description()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        var longDescription = new string('x', 200);

        await gh.Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("terraflow/plan: dev", CommitState.Pending, "Planning…", null), Ct);
        await gh.Client.SetCommitStatusAsync(Repo, HeadSha,
            new CommitStatus("terraflow/plan: dev", CommitState.Failure, longDescription, "https://terraflow.example/runs/1"), Ct);

        var statuses = gh.Server.Statuses;
        Assert.Equal(2, statuses.Count);
        Assert.Equal(("terraflow/plan: dev", "pending", "Planning…", (string?)null),
            (statuses[0].Context, statuses[0].State, statuses[0].Description, statuses[0].TargetUrl));
        Assert.Equal("failure", statuses[1].State);
        Assert.Equal(HeadSha, statuses[1].Sha);
        Assert.Equal("https://terraflow.example/runs/1", statuses[1].TargetUrl);
        Assert.Equal(140, statuses[1].Description!.Length);
        Assert.EndsWith("…", statuses[1].Description);
    }

    [Theory]
    [InlineData(CommitState.Success, "success")]
    [InlineData(CommitState.Error, "error")]
    public async Task Maps_commit_states_to_GitHub_names(CommitState state, string expected)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddRepository("acme", "infra");
        await gh.Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("c", state, "d", null), Ct);
        Assert.Equal(expected, Assert.Single(gh.Server.Statuses).State);
    }

    [Fact]
    public async Task Too_long_comment_is_a_permanent_422()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(
            () => gh.Client.CreateCommentAsync(Repo, 7, new string('a', 65537), Ct));

        Assert.Equal(422, ex.StatusCode);
        Assert.Contains("body is too long (maximum is 65536 characters)", ex.Message);
        Assert.Empty(gh.Server.Comments("acme", "infra", 7));
    }

    [Fact]
    public async Task Comment_of_exactly_the_limit_is_accepted()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        await gh.Client.CreateCommentAsync(Repo, 7, new string('a', 65536), Ct);
        Assert.Single(gh.Server.Comments("acme", "infra", 7));
    }

    [Fact]
    public async Task Unknown_pull_request_is_a_permanent_404()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => gh.Client.GetPullRequestAsync(Repo, 99, Ct));
        Assert.Equal(404, ex.StatusCode);
        var missingComment = await Assert.ThrowsAsync<VcsPermanentException>(() => gh.Client.UpdateCommentAsync(Repo, 123, "x", Ct));
        Assert.Equal(404, missingComment.StatusCode);
    }

    [Fact]
    public async Task Wrong_token_is_a_permanent_401_without_the_token_in_the_message()
    {
        await using var gh = await GitHubTestSetup.StartAsync(configure: o => o.Token = "ghp_wrong_secret_value");
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => gh.Client.CreateCommentAsync(Repo, 7, "hi", Ct));

        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("Bad credentials", ex.Message);
        Assert.DoesNotContain("ghp_wrong_secret_value", ex.ToString());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(403)] // injected 403s carry X-RateLimit-Remaining: 0, i.e. a rate limit
    public async Task Server_errors_and_rate_limits_are_transient(int status)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.FailNextRequests(1, status);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => gh.Client.CreateCommentAsync(Repo, 7, "hi", Ct));
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.DoesNotContain(gh.Server.Token, ex.ToString());

        // The fault is spent: the caller's retry succeeds.
        await gh.Client.CreateCommentAsync(Repo, 7, "hi", Ct);
        Assert.Single(gh.Server.Comments("acme", "infra", 7));
    }

    [Fact]
    public async Task Unreachable_server_is_transient()
    {
        string apiUrl;
        await using (var gone = await FakeGitHubServer.StartAsync()) apiUrl = gone.ApiUrl;
        var options = new GitHubOptions { ApiUrl = apiUrl, Token = "t" };
        using var api = new TerraFlow.Adapters.GitHub.Api.GitHubApi(options);
        using var tokens = new GitHubAppTokenProvider(api, options);
        var client = new GitHubClient(api, tokens);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetPullRequestAsync(Repo, 1, Ct));
    }

    [Theory]
    [InlineData("/api/v3")]
    [InlineData("/api/v3/")]
    public async Task Works_with_a_GHES_base_path(string prefixAsConfigured)
    {
        await using var gh = await GitHubTestSetup.StartAsync(
            new FakeGitHubOptions { PathPrefix = "/api/v3" },
            o => o.ApiUrl = o.ApiUrl.TrimEnd('/').Replace("/api/v3", "", StringComparison.Ordinal) + prefixAsConfigured);
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        for (var i = 0; i < 250; i++) gh.Server.AddComment("acme", "infra", 7, $"c{i}");

        Assert.Equal(HeadSha, (await gh.Client.GetPullRequestAsync(Repo, 7, Ct)).HeadSha);
        // Three pages, the next two by GitHub's Link header, which keeps the prefix.
        Assert.Equal(250, (await gh.Client.ListCommentsAsync(Repo, 7, Ct)).Count);
        Assert.Equal(3, gh.Server.Requests.Count(r => r.Path.EndsWith("/comments", StringComparison.Ordinal) && r.Method == "GET"));
        await gh.Client.CreateCommentAsync(Repo, 7, "hello", Ct);
        await gh.Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("c", CommitState.Success, "ok", null), Ct);

        Assert.All(gh.Server.Requests, r => Assert.StartsWith("/api/v3/", r.Path));
        Assert.All(gh.Server.Requests, r => Assert.InRange(r.ResponseStatus, 200, 299));
    }

    [Fact]
    public async Task An_apps_own_login_is_its_bot_user_read_once_with_the_app_jwt()
    {
        using var key = new TestAppKey();
        await using var gh = await GitHubTestSetup.StartAsAppAsync(key, appSlug: "infra-bot");
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        var repo = Repo with { InstallationId = 5 };
        await gh.Client.CreateCommentAsync(repo, 7, "from the app", Ct);

        Assert.Equal("infra-bot[bot]", await gh.Client.GetOwnLoginAsync(repo, Ct));
        Assert.Equal("infra-bot[bot]", await gh.Client.GetOwnLoginAsync(repo, Ct));
        Assert.Equal("infra-bot[bot]", Assert.Single(await gh.Client.ListCommentsAsync(repo, 7, Ct)).Author);
        Assert.Single(gh.Server.Requests, r => r.Method == "GET" && r.Path == "/app");
    }

    [Fact]
    public async Task Installation_token_is_used_for_api_calls_and_clone()
    {
        using var key = new TestAppKey();
        await using var gh = await GitHubTestSetup.StartAsAppAsync(key);
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        var repo = Repo with { InstallationId = 5 };

        await gh.Client.CreateCommentAsync(repo, 7, "from the app", Ct);
        await gh.Client.SetCommitStatusAsync(repo, HeadSha, new CommitStatus("c", CommitState.Pending, "", null), Ct);
        var cloneToken = await gh.Client.GetCloneTokenAsync(repo, Ct);

        Assert.Equal(1, gh.Server.InstallationTokenRequests(5));
        Assert.Equal("terraflow[bot]", Assert.Single(gh.Server.Comments("acme", "infra", 7)).Author);
        Assert.StartsWith("ghs_", cloneToken);
        Assert.All(gh.Server.Requests.Where(r => r.Path.StartsWith("/repos/", StringComparison.Ordinal)),
            r => Assert.Equal($"Bearer {cloneToken}", r.Authorization));
    }

    [Fact]
    public async Task Each_installation_s_calls_carry_its_own_token_when_they_interleave()
    {
        // The API keeps one Octokit client per credential: interleaved calls for two installations must never borrow
        // each other's token.
        using var key = new TestAppKey();
        await using var gh = await GitHubTestSetup.StartAsAppAsync(key);
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.AddPullRequest("acme", "other", 8, HeadSha);
        var first = Repo with { InstallationId = 5 };
        var second = new RepoRef("acme", "other", 6);

        for (var i = 0; i < 3; i++)
        {
            await Task.WhenAll(
                gh.Client.CreateCommentAsync(first, 7, $"first {i}", Ct),
                gh.Client.CreateCommentAsync(second, 8, $"second {i}", Ct));
        }
        var firstToken = await gh.Client.GetCloneTokenAsync(first, Ct);
        var secondToken = await gh.Client.GetCloneTokenAsync(second, Ct);

        Assert.NotEqual(firstToken, secondToken);
        var comments = gh.Server.Requests.Where(r => r.Path.EndsWith("/comments", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, comments.Count);
        Assert.All(comments, r => Assert.Equal(
            r.Path.StartsWith("/repos/acme/infra/", StringComparison.Ordinal) ? $"Bearer {firstToken}" : $"Bearer {secondToken}",
            r.Authorization));
    }

    [Fact]
    public async Task Clone_token_is_the_static_token_or_null()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        Assert.Equal(gh.Server.Token, await gh.Client.GetCloneTokenAsync(Repo, Ct));

        await using var anonymous = await GitHubTestSetup.StartAsync(configure: o => o.Token = null);
        Assert.Null(await anonymous.Client.GetCloneTokenAsync(Repo, Ct));
    }

    [Fact]
    public void Description_truncation_keeps_short_text_and_caps_long_text_at_140()
    {
        Assert.Equal("", GitHubClient.TruncateDescription(null));
        Assert.Equal("short", GitHubClient.TruncateDescription("short"));
        Assert.Equal(new string('y', 140), GitHubClient.TruncateDescription(new string('y', 140)));
        Assert.Equal(140, GitHubClient.TruncateDescription(new string('y', 141)).Length);
    }
}
