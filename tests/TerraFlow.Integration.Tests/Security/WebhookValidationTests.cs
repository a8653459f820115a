using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Security.Fuzz;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// One example per validation class of issue 10, for each provider, through the real host: a correctly signed
/// delivery that is not a plausible event gets a 4xx naming the field and the problem (or a 2xx saying why it was
/// ignored) and no table gains a row. The 500s of the issue (invalid UTF-8, lone surrogates, NUL, a 5 MB name) are
/// among them.
/// </summary>
[Collection(WebhookIntakeCollection.Name)]
public sealed class WebhookValidationTests : IAsyncLifetime
{
    private const string Sha = "2f7a9d8c1b3e4f5a6b7c8d9e0f1a2b3c4d5e6f70";
    private readonly HttpClient _http = new();
    private FuzzHost _fuzz = null!;

    public async Task InitializeAsync() => _fuzz = await FuzzHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _fuzz.DisposeAsync();
        _http.Dispose();
    }

    private static string GitHubPullRequest(Action<JsonObject> edit)
    {
        var payload = JsonNode.Parse(GitHubWebhooks.PullRequest(new GitHubWebhooks.PullRequestSpec("acme", "infra", 7, Sha, Sha, "https://github.com/acme/infra.git")))!.AsObject();
        edit(payload);
        return payload.ToJsonString(new JsonSerializerOptions { MaxDepth = 4096 });
    }

    private static string GitHubComment(string body) => GitHubWebhooks.IssueComment("acme", "infra", 7, body);

    private static string GitLabMergeRequest(Action<JsonObject> edit)
    {
        var payload = JsonNode.Parse(GitLabWebhooks.MergeRequest("acme/platform/infra", 7, "open", Sha))!.AsObject();
        edit(payload);
        return payload.ToJsonString();
    }

    private static JsonObject Pr(JsonObject p) => p["pull_request"]!.AsObject();

    private static JsonObject Attributes(JsonObject p) => p["object_attributes"]!.AsObject();

    /// <summary>The body of each case; MARK in the text is replaced by raw bytes no JSON writer produces.</summary>
    private static (string Event, byte[] Body) Case(string provider, string name)
    {
        string text;
        byte[]? mark = null;
        if (provider == FuzzCorpus.GitHub)
        {
            (text, mark) = name switch
            {
                "invalid-utf8" => (GitHubPullRequest(p => Pr(p)["title"] = "MARK"), new byte[] { 0xC3, 0x28 }),
                "lone-surrogate" => (GitHubPullRequest(p => Pr(p)["head"]!["ref"] = "MARK"), "\\ud800"u8.ToArray()),
                "nul" => (GitHubPullRequest(p => Pr(p)["head"]!["ref"] = "main\0"), null),
                "huge-name" => (GitHubPullRequest(p => p["repository"]!["owner"]!["login"] = new string('o', 5 * 1024 * 1024)), null),
                "implausible-name" => (GitHubPullRequest(p => p["repository"]!["name"] = "../../etc"), null),
                "sha" => (GitHubPullRequest(p => Pr(p)["head"]!["sha"] = Sha[..39]), null),
                "number" => (GitHubPullRequest(p => Pr(p)["number"] = 0), null),
                "big-number" => (GitHubPullRequest(p => Pr(p)["number"] = 2147483648L), null),
                "url" => (GitHubPullRequest(p => Pr(p)["head"]!["repo"]!["clone_url"] = "file:///etc/passwd"), null),
                "long-url" => (GitHubPullRequest(p => Pr(p)["head"]!["repo"]!["clone_url"] = "https://github.com/" + new string('a', 2048)), null),
                "deep" => (GitHubPullRequest(p => Pr(p)["labels"] = Nested(65)), null),
                "long-comment" => (GitHubComment("terraflow plan\n" + new string('x', 65_537)), null),
                _ => throw new ArgumentOutOfRangeException(nameof(name)),
            };
            return (name == "long-comment" ? "issue_comment" : "pull_request", Encode(text, mark));
        }

        (text, mark) = name switch
        {
            "invalid-utf8" => (GitLabMergeRequest(p => Attributes(p)["title"] = "MARK"), new byte[] { 0xFF }),
            "lone-surrogate" => (GitLabMergeRequest(p => p["project"]!["path_with_namespace"] = "acme/MARK"), "\\udfff"u8.ToArray()),
            "nul" => (GitLabMergeRequest(p => p["user"]!["username"] = "root\0"), null),
            "huge-name" => (GitLabMergeRequest(p => p["project"]!["path_with_namespace"] = "acme/" + new string('p', 5 * 1024 * 1024)), null),
            "implausible-name" => (GitLabMergeRequest(p => Attributes(p)["source_branch"] = "feature..x"), null),
            "sha" => (GitLabMergeRequest(p => Attributes(p)["last_commit"]!["id"] = Sha.ToUpperInvariant()), null),
            "number" => (GitLabMergeRequest(p => Attributes(p)["iid"] = -1), null),
            "big-number" => (GitLabMergeRequest(p => Attributes(p)["iid"] = 1.5), null),
            "url" => (GitLabMergeRequest(p => p["project"]!["git_http_url"] = "https://user:pass@gitlab.example.com/acme/infra.git"), null),
            "long-url" => (GitLabMergeRequest(p => p["project"]!["git_http_url"] = "https://gitlab.example.com/" + new string('a', 2048)), null),
            "deep" => (GitLabMergeRequest(p => p["labels"] = Nested(65)), null),
            "long-comment" => (GitLabWebhooks.Note("acme/platform/infra", 7, "terraflow plan\n" + new string('x', 65_537)), null),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        return (name == "long-comment" ? "Note Hook" : "Merge Request Hook", Encode(text, mark));
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private static byte[] Encode(string text, byte[]? mark)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (mark is null) return bytes;
        var at = bytes.AsSpan().IndexOf("MARK"u8);
        Assert.True(at >= 0);
        return [.. bytes[..at], .. mark, .. bytes[(at + 4)..]];
    }

    [Theory]
    [InlineData("github", "invalid-utf8", 400, "not valid UTF-8")]
    [InlineData("github", "lone-surrogate", 400, "lone UTF-16 surrogate")]
    [InlineData("github", "nul", 400, "'pull_request.head.ref' contains a NUL character")]
    [InlineData("github", "huge-name", 400, "'repository.owner.login' is longer than 255 characters")]
    [InlineData("github", "implausible-name", 400, "'repository.name' may contain only")]
    [InlineData("github", "sha", 400, "'pull_request.head.sha' is not a commit SHA")]
    [InlineData("github", "number", 400, "'pull_request.number' must be between 1 and 2147483647")]
    [InlineData("github", "big-number", 400, "'pull_request.number' must be between 1 and 2147483647")]
    [InlineData("github", "url", 400, "'pull_request.head.repo.clone_url' is not an absolute http(s) URL")]
    [InlineData("github", "long-url", 400, "'pull_request.head.repo.clone_url' is longer than 2048 characters")]
    [InlineData("github", "deep", 400, "not valid JSON")]
    [InlineData("github", "long-comment", 200, "longer than 65536 characters")]
    [InlineData("gitlab", "invalid-utf8", 400, "not valid UTF-8")]
    [InlineData("gitlab", "lone-surrogate", 400, "lone UTF-16 surrogate")]
    [InlineData("gitlab", "nul", 400, "'user.username' contains a NUL character")]
    [InlineData("gitlab", "huge-name", 400, "'project.path_with_namespace' is longer than")]
    [InlineData("gitlab", "implausible-name", 400, "'object_attributes.source_branch' is not a valid git branch name")]
    [InlineData("gitlab", "sha", 400, "'object_attributes.last_commit.id' is not a commit SHA")]
    [InlineData("gitlab", "number", 400, "'object_attributes.iid' must be between 1 and 2147483647")]
    [InlineData("gitlab", "big-number", 400, "'object_attributes.iid' is not an integer")]
    [InlineData("gitlab", "url", 400, "'project.git_http_url' must not carry credentials")]
    [InlineData("gitlab", "long-url", 400, "'project.git_http_url' is longer than 2048 characters")]
    [InlineData("gitlab", "deep", 400, "not valid JSON")]
    [InlineData("gitlab", "long-comment", 200, "longer than 65536 characters")]
    public async Task Implausible_bodies_are_answered_with_the_problem_and_write_nothing(string provider, string name, int status, string reason)
    {
        var (eventName, body) = Case(provider, name);
        var before = await _fuzz.RowCountsAsync();

        var clock = Stopwatch.StartNew();
        using var request = FuzzDelivery.Request(_fuzz.Host.BaseUrl, provider, eventName, body, Guid.NewGuid().ToString());
        using var response = await _http.SendAsync(request);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Contains(reason, answer.GetProperty("reason").GetString());
        // Even a 5 MB name is refused by reading it, not by the database.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var after = await _fuzz.RowCountsAsync();
        if (status >= 400)
        {
            Assert.Equal("rejected", answer.GetProperty("status").GetString());
            Assert.Equal(before, after);
        }
        else
        {
            // Ignored: only the delivery itself is recorded (so a redelivery is recognised), nothing is queued.
            Assert.Equal("ignored", answer.GetProperty("status").GetString());
            Assert.Equal(before["webhook_deliveries"] + 1, after["webhook_deliveries"]);
            Assert.Equal(before.Where(t => t.Key != "webhook_deliveries"), after.Where(t => t.Key != "webhook_deliveries"));
        }
    }
}
