using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Testing.FakeAzureDevOps;
using static TerraFlow.Adapters.Tests.AzureDevOps.AzureDevOpsRealResponses;

namespace TerraFlow.Adapters.Tests.AzureDevOps;

/// <summary>
/// "The stand-in answers in the real shape": for each REST call <see cref="AzureDevOpsClient"/> makes, FakeAzureDevOps'
/// answer next to the real examples of that call (../shared/fixtures/external/azure-devops). Every property the client
/// reads is in both with the same JSON type, and the stand-in's property names (top level, and list items) are a
/// subset of the real ones. The access control list query has no real example and is not compared.
/// </summary>
public sealed class AzureDevOpsStandInShapeTests : IAsyncLifetime
{
    private const string Project = "Infra", Repository = "platform";
    private static readonly string Head = new('a', 40), Base = new('b', 40);
    private readonly HttpClient _http = new();
    private FakeAzureDevOpsServer _fake = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeAzureDevOpsServer.StartAsync();
        _fake.AddPullRequest(Project, Repository, 7, Head, Base, author: "dana@contoso.com");
        _fake.SetVote(Project, Repository, 7, "erin@contoso.com", 10);
        _fake.AddUserComment(Project, Repository, 7, "dana@contoso.com", "terraflow plan");
        _fake.AddGroupMember("[Infra]\\Reviewers", "dana@contoso.com");
        _fake.PutFile(Project, Repository, "terraflow.yaml", "version: 1\n");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + _fake.Token)));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    /// <summary>One REST call: how to ask the stand-in, its real examples, and the paths the client reads ("[]" = every item).</summary>
    internal sealed record Call(string Name, string Method, string Path, string? Body, Func<RealResponse[]> Reals, string[] Reads)
    {
        public override string ToString() => Name;
    }

    private const string Repo = $"{Project}/_apis/git/repositories/{Repository}";

    internal static readonly Call[] Calls =
    [
        new("GET pull request", "GET", Repo + "/pullrequests/7", null,
            () => [Plain(Drone + "pr.json"), Spec("pullRequests/GET__git_repositories__repositoryId__pullRequests__pullRequestId_.json"),
                RawHttp("pr_response.json"), Cassette("pullRequests/57?includeCommits")],
            ["pullRequestId", "status", "sourceRefName", "targetRefName", "mergeStatus", "createdBy.uniqueName", "lastMergeSourceCommit.commitId",
                "lastMergeTargetCommit.commitId", "repository.remoteUrl", "reviewers", "reviewers[].uniqueName", "reviewers[].vote"]),
        new("GET pull requests (active)", "GET", Repo + "/pullrequests?searchCriteria.status=active&$top=1000", null,
            () => [Spec("pullRequests/GET__git_repositories__repositoryId__pullRequests.json"), Cassette("pullRequests?searchCriteria.includeLinks")],
            ["value", "value[].pullRequestId", "value[].lastMergeSourceCommit.commitId"]),
        new("GET diffs/commits", "GET", Repo + $"/diffs/commits?baseVersion=main&baseVersionType=branch&targetVersion={new string('a', 40)}&targetVersionType=commit&$top=1", null,
            () => [Plain(Drone + "compare.json")],
            ["aheadCount", "behindCount"]),
        new("GET threads", "GET", Repo + "/pullrequests/7/threads", null,
            () => [Spec("pullRequestThreads/GET__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json"),
                RawHttp("danger_comments_response.json"), RawHttp("no_danger_comments_response.json")],
            ["value", "value[].id", "value[].isDeleted", "value[].comments", "value[].comments[].id", "value[].comments[].commentType",
                "value[].comments[].content", "value[].comments[].author.uniqueName"]),
        new("POST thread", "POST", Repo + "/pullrequests/7/threads", """{"comments":[{"parentCommentId":0,"content":"plan","commentType":1}]}""",
            () => [Spec("pullRequestThreads/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json"),
                Spec("pullRequestThreads/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads2.json")],
            ["id", "comments", "comments[].id"]),
        // No real PATCH-comment example: the answer is a Comment, compared with the POST-comment example.
        new("PATCH comment", "PATCH", Repo + "/pullrequests/7/threads/{bot-thread}/comments/1", """{"content":"plan, again"}""",
            () => [Spec("pullRequestThreadComments/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads__threadId__comments.json")],
            ["id", "content", "commentType", "author.uniqueName"]),
        new("POST pull request status", "POST", Repo + "/pullrequests/7/statuses",
            """{"state":"succeeded","description":"2 to add","context":{"name":"plan/network","genre":"terraflow"},"targetUrl":"https://tf/runs/1"}""",
            () => [Spec("pullRequestStatuses/POST_git_pullRequestStatuses_status.json"), Spec("pullRequestStatuses/POST_git_pullRequestStatuses_statusIterationInBody.json"),
                Spec("pullRequestStatuses/POST_git_pullRequestStatuses_statusWithProperties.json")],
            ["state", "description", "context.name", "context.genre", "targetUrl"]),
        new("POST commit status", "POST", Repo + $"/commits/{new string('c', 40)}/statuses",
            """{"state":"failed","description":"failed","context":{"name":"apply/app","genre":"terraflow"},"targetUrl":"https://tf/runs/2"}""",
            () => [Spec("statuses/POST__git_repositories__repositoryId__commits__commitId__statuses.json")],
            ["state", "description", "context.name", "context.genre", "targetUrl"]),
        new("GET repository", "GET", Repo, null,
            () => [Plain(Drone + "repo.json"), Cassette("PullRequestLiveTest/_apis/git/repositories")],
            ["id", "name", "remoteUrl", "project.id"]),
        new("GET connectionData", "GET", "_apis/connectionData", null,
            () => [Cassette("_apis/ConnectionData")],
            ["authenticatedUser.id", "authenticatedUser.descriptor", "authenticatedUser.properties.Account.$value"]),
        new("GET identities", "GET", "_apis/identities?searchFilter=General&filterValue=dana%40contoso.com&queryMembership=Expanded", null,
            () => [Cassette("_apis/Identities?searchFilter")],
            ["value", "value[].descriptor", "value[].providerDisplayName", "value[].properties.Account.$value", "value[].memberOf"]),
        // Not called by AzureDevOpsClient; the stand-in serves it, so its shape is held to the real one too.
        new("GET item (content)", "GET", Repo + "/items?path=terraflow.yaml&includeContent=true", null,
            () => [Plain(Drone + "content.json")],
            ["objectId", "path", "content"]),
    ];

    public static TheoryData<string> CallNames() => [.. Calls.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CallNames))]
    public async Task The_stand_in_answers_in_the_real_shape(string name)
    {
        var call = Calls.Single(c => c.Name == name);
        var fake = await AskAsync(call);
        var reals = call.Reals();

        foreach (var path in call.Reads)
        {
            var fakeKinds = Kinds(fake, path);
            Assert.True(fakeKinds.Count > 0, $"{name}: the stand-in's answer has no '{path}'");
            var realKinds = reals.SelectMany(r => Kinds(r.Json, path)).ToHashSet();
            Assert.True(realKinds.Count > 0, $"{name}: no real example has '{path}' (the client reads it)");
            Assert.True(fakeKinds.IsSubsetOf(realKinds), $"{name}: '{path}' is {string.Join("/", fakeKinds)} in the stand-in, {string.Join("/", realKinds)} in the real examples");
        }

        Assert.Empty(Names(fake, "").Except(reals.SelectMany(r => Names(r.Json, ""))).Order().Select(n => $"{name}: top-level '{n}' is in no real example"));
        if (fake.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
            Assert.Empty(Names(fake, "value[]").Except(reals.SelectMany(r => Names(r.Json, "value[]"))).Order().Select(n => $"{name}: value[] '{n}' is in no real example"));
    }

    private async Task<JsonElement> AskAsync(Call call)
    {
        var path = call.Path;
        if (path.Contains("{bot-thread}", StringComparison.Ordinal))
        {
            // A comment of the token's user to edit: the stand-in only lets authors edit.
            using var created = await SendAsync("POST", Repo + "/pullrequests/7/threads", """{"comments":[{"parentCommentId":0,"content":"plan","commentType":1}]}""");
            path = path.Replace("{bot-thread}", created.RootElement.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        using var doc = await SendAsync(call.Method, path, call.Body);
        return doc.RootElement.Clone();
    }

    private async Task<JsonDocument> SendAsync(string method, string path, string? body)
    {
        var url = $"{_fake.OrganizationUrl}/{path}{(path.Contains('?', StringComparison.Ordinal) ? "&" : "?")}api-version=7.1";
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>The JSON kinds found at <paramref name="path"/> (true and false count as one kind); empty when absent.</summary>
    private static HashSet<string> Kinds(JsonElement root, string path) =>
        At(root, path).Select(e => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? "Boolean" : e.ValueKind.ToString()).ToHashSet();

    private static HashSet<string> Names(JsonElement root, string path) =>
        At(root, path).Where(e => e.ValueKind == JsonValueKind.Object).SelectMany(e => e.EnumerateObject().Select(p => p.Name)).ToHashSet();

    private static IEnumerable<JsonElement> At(JsonElement root, string path)
    {
        IEnumerable<JsonElement> current = [root];
        if (path.Length == 0) return current;
        foreach (var part in path.Split('.'))
        {
            var each = part.EndsWith("[]", StringComparison.Ordinal);
            var key = each ? part[..^2] : part;
            current = current.SelectMany(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(key, out var v) ? [v] : Array.Empty<JsonElement>());
            if (each) current = current.SelectMany(e => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : Enumerable.Empty<JsonElement>());
        }
        return current.ToList();
    }
}
