using System.Text.Json;
using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Core.Vcs;
using static TerraFlow.Adapters.Tests.AzureDevOps.AzureDevOpsRealResponses;

namespace TerraFlow.Adapters.Tests.AzureDevOps;

/// <summary>
/// "The client reads real responses": <see cref="AzureDevOpsClient"/> against a replay server that answers every REST
/// call with a real response from the shared fixtures, verbatim. Expected values are read out of the same fixture.
/// Calls without a real example (ACL query, PATCH comment) are noted where they are answered.
/// </summary>
public sealed class AzureDevOpsClientReplayTests : IAsyncLifetime
{
    private const string Repo = "/Infra/_apis/git/repositories/platform";
    private static readonly RepoRef Platform = new("Infra", "platform");
    private readonly HttpClient _http = new();
    private AzureDevOpsReplayServer _server = null!;
    private AzureDevOpsClient _client = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _server = await AzureDevOpsReplayServer.StartAsync();
        var options = new AzureDevOpsOptions { OrganizationUrl = _server.OrganizationUrl, IdentityUrl = _server.OrganizationUrl, Token = "pat", UseEntraId = false };
        _client = new AzureDevOpsClient(_http, options, new AzureDevOpsCredentials(options));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static string Str(JsonElement e, params string[] path) => path.Aggregate(e, (x, p) => x.GetProperty(p)).GetString()!;

    public static TheoryData<string> RealPullRequests() => ["drone", "specs", "danger"];

    private static RealResponse PullRequestResponse(string source) => source switch
    {
        "drone" => Plain(Drone + "pr.json"),
        "specs" => Spec("pullRequests/GET__git_repositories__repositoryId__pullRequests__pullRequestId_.json"),
        _ => RawHttp("pr_response.json"),
    };

    [Theory]
    [MemberData(nameof(RealPullRequests))]
    public async Task A_real_pull_request_gives_head_base_branches_author_clone_url_and_state(string source)
    {
        var real = PullRequestResponse(source);
        var json = real.Json;
        _server.On("GET", Repo + "/pullrequests/7", real)
            // Asked only for an active pull request that merges cleanly (is the source behind the target?).
            .On("GET", Repo + "/diffs/commits", Plain(Drone + "compare.json"));

        var pr = await _client.GetPullRequestAsync(Platform, 7, Ct);

        var status = Str(json, "status");
        var mergeStatus = Str(json, "mergeStatus");
        Assert.Equal(Str(json, "lastMergeSourceCommit", "commitId"), pr.HeadSha);
        Assert.Equal(Str(json, "lastMergeTargetCommit", "commitId"), pr.BaseSha);
        Assert.Equal("refs/heads/" + pr.HeadRef, Str(json, "sourceRefName"));
        Assert.Equal("refs/heads/" + pr.BaseRef, Str(json, "targetRefName"));
        Assert.Equal(Str(json, "createdBy", "uniqueName"), pr.Author);
        Assert.Equal(AzureDevOpsNames.CloneUrlOf(Str(json, "repository", "remoteUrl")), pr.CloneUrl);
        Assert.DoesNotContain("@", new Uri(pr.CloneUrl).Authority, StringComparison.Ordinal);
        Assert.Equal((status == "active", status == "completed"), (pr.Open, pr.Merged));
        Assert.Equal(AzureDevOpsClient.MergeableFrom(mergeStatus), pr.Mergeable);
        Assert.False(pr.FromFork);
        var diffAsked = _server.Requests.Any(r => r.Path.EndsWith("/diffs/commits", StringComparison.Ordinal));
        Assert.Equal(status == "active" && mergeStatus == "succeeded", diffAsked);
        if (diffAsked)
        {
            // compare.json: behindCount 0, so a clean merge stays "clean".
            Assert.Equal(0, Plain(Drone + "compare.json").Json.GetProperty("behindCount").GetInt32());
            Assert.Equal("clean", pr.MergeableState);
            var query = _server.Requests.Single(r => r.Path.EndsWith("/diffs/commits", StringComparison.Ordinal)).Query;
            Assert.Contains("baseVersion=" + Uri.EscapeDataString(pr.BaseRef), query, StringComparison.Ordinal);
            Assert.Contains("targetVersion=" + pr.HeadSha, query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Real_reviewers_votes_are_read()
    {
        var real = Spec("pullRequests/GET__git_repositories__repositoryId__pullRequests__pullRequestId_.json");
        _server.On("GET", Repo + "/pullrequests/22", real);

        var approvers = await _client.GetApprovingReviewersAsync(Platform, 22, exceptAuthor: null, Ct);

        var expected = real.Json.GetProperty("reviewers").EnumerateArray()
            .Where(r => r.GetProperty("vote").GetInt32() >= 5 && !(r.TryGetProperty("isContainer", out var c) && c.GetBoolean()))
            .Select(r => r.GetProperty("uniqueName").GetString()!).ToList();
        Assert.Equal(expected, approvers);
    }

    public static TheoryData<string> RealThreadLists() => ["specs", "danger-marker", "danger-plain"];

    [Theory]
    [MemberData(nameof(RealThreadLists))]
    public async Task Real_thread_lists_give_the_text_comments_and_skip_system_and_deleted_ones(string source)
    {
        var real = source switch
        {
            "specs" => Spec("pullRequestThreads/GET__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json"),
            "danger-marker" => RawHttp("danger_comments_response.json"),
            _ => RawHttp("no_danger_comments_response.json"),
        };
        _server.On("GET", Repo + "/pullrequests/22/threads", real);

        var comments = await _client.ListCommentsAsync(Platform, 22, Ct);

        var expected = real.Json.GetProperty("value").EnumerateArray()
            .Where(t => !(t.TryGetProperty("isDeleted", out var d) && d.GetBoolean()))
            .SelectMany(t => t.GetProperty("comments").EnumerateArray()
                .Where(c => c.GetProperty("commentType").GetString() == "text" && !(c.TryGetProperty("isDeleted", out var d) && d.GetBoolean()))
                .Select(c => new PullRequestComment(AzureDevOpsCommentIds.Compose(22, t.GetProperty("id").GetInt32(), c.GetProperty("id").GetInt32()),
                    c.GetProperty("author").GetProperty("uniqueName").GetString()!, c.GetProperty("content").GetString()!)))
            .ToList();
        Assert.Equal(expected, comments);
        if (source == "specs") Assert.Equal(2, comments.Count); // threads 147 and 148 (its deleted reply left out)
    }

    [Fact]
    public async Task A_real_created_thread_gives_the_comment_id_and_a_real_comment_answers_the_edit()
    {
        var created = Spec("pullRequestThreads/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json");
        _server.On("POST", Repo + "/pullrequests/22/threads", created)
            // No real PATCH-comment example exists; PATCH answers a Comment, as the POST-comment example is.
            .On("PATCH", Repo + "/pullrequests/22/threads/\\d+/comments/\\d+",
                Spec("pullRequestThreadComments/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads__threadId__comments.json"));

        var id = await _client.CreateCommentAsync(Platform, 22, "plan", Ct);
        await _client.UpdateCommentAsync(Platform, id, "plan, again", Ct);

        var thread = created.Json;
        Assert.Equal(AzureDevOpsCommentIds.Compose(22, thread.GetProperty("id").GetInt32(), thread.GetProperty("comments")[0].GetProperty("id").GetInt32()), id);
        var patch = _server.Requests.Single(r => r.Method == "PATCH");
        Assert.EndsWith($"/threads/{thread.GetProperty("id").GetInt32()}/comments/{thread.GetProperty("comments")[0].GetProperty("id").GetInt32()}", patch.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_finds_the_real_pull_request_of_the_commit_and_posts_a_pull_request_status()
    {
        var list = Spec("pullRequests/GET__git_repositories__repositoryId__pullRequests.json");
        var target = list.Json.GetProperty("value")[1];
        var sha = Str(target, "lastMergeSourceCommit", "commitId");
        var number = target.GetProperty("pullRequestId").GetInt32();
        _server.On("GET", Repo + "/pullrequests", list)
            .On("POST", Repo + $"/pullrequests/{number}/statuses", Spec("pullRequestStatuses/POST_git_pullRequestStatuses_status.json"));

        await _client.SetCommitStatusAsync(Platform, sha, new CommitStatus("terraflow/plan: network", CommitState.Success, "ok", null), Ct);

        Assert.Single(_server.Requests, r => r.Method == "POST" && r.Path.EndsWith($"/pullrequests/{number}/statuses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_real_pull_request_of_the_commit_a_commit_status_is_posted_and_its_201_accepted()
    {
        _server.On("GET", Repo + "/pullrequests", Spec("pullRequests/GET__git_repositories__repositoryId__pullRequests.json"))
            .On("POST", Repo + "/commits/[0-9a-f]{40}/statuses", Spec("statuses/POST__git_repositories__repositoryId__commits__commitId__statuses.json"));

        await _client.SetCommitStatusAsync(Platform, new string('a', 40), new CommitStatus("terraflow/apply: app", CommitState.Failure, "failed", null), Ct);

        Assert.Single(_server.Requests, r => r.Method == "POST" && r.Path.EndsWith($"/commits/{new string('a', 40)}/statuses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_real_connection_data_gives_the_account_of_the_token()
    {
        var real = Cassette("_apis/ConnectionData");
        _server.On("GET", "/_apis/connectionData", real);

        var login = await _client.GetOwnLoginAsync(Platform, Ct);

        Assert.Equal(Str(real.Json, "authenticatedUser", "properties", "Account", "$value"), login);
    }

    [Fact]
    public async Task A_real_identity_and_repository_give_the_descriptor_and_token_of_the_acl_query()
    {
        var identities = Cassette("_apis/Identities?searchFilter");
        var repository = Plain(Drone + "repo.json");
        var user = Str(identities.Json.GetProperty("value")[0], "properties", "Account", "$value");
        _server.On("GET", "/_apis/identities", identities)
            .On("GET", Repo, repository)
            // No source has an access control list response: an empty collection (count/value, the REST list wrapper).
            .On("GET", "/_apis/accesscontrollists/" + AzureDevOpsClient.GitRepositoriesNamespace,
                new RealResponse("(no real example)", 200, """{"count":0,"value":[]}"""));

        var permission = await _client.GetPermissionAsync(Platform, user, Ct);

        Assert.Equal(RepoPermission.None, permission);
        var acl = _server.Requests.Single(r => r.Path.Contains("accesscontrollists", StringComparison.Ordinal));
        var token = $"repoV2/{Str(repository.Json, "project", "id")}/{Str(repository.Json, "id")}";
        Assert.Contains("token=" + Uri.EscapeDataString(token), acl.Query, StringComparison.Ordinal);
        Assert.Contains("descriptors=" + Uri.EscapeDataString(Str(identities.Json.GetProperty("value")[0], "descriptor")), acl.Query, StringComparison.Ordinal);
    }
}
