using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>
/// Keeps the stand-in honest: its responses must carry every field (with the same JSON kind) that real
/// api.github.com responses recorded in octokit.rb's cassettes carry, so clients tested against it work for real.
/// </summary>
public class FakeGitHubFidelityTests
{
    private const string Recorded = "octokit-rb-cassettes/extracted/";
    private const string Sha = "71516564edc3f5b4535bcc027bd4894beb8ec5b5";

    [Theory]
    [InlineData("get-pull-request.response.json")]
    [InlineData("get-pull-request.2.response.json")]
    public async Task Pull_request_has_the_recorded_shape(string recording)
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.AddPullRequest("acme", "infra", 7, Sha);
        using var fake = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/pulls/7", null, 200);
        using var real = Load(recording);

        AssertSameShape(real.RootElement, fake.RootElement, "pull");
        foreach (var side in new[] { "head", "base" })
        {
            AssertSameShape(real.RootElement.GetProperty(side), fake.RootElement.GetProperty(side), side);
            foreach (var field in new[] { "name", "full_name", "clone_url", "owner" })
                AssertSameKind(real.RootElement.GetProperty(side).GetProperty("repo"), fake.RootElement.GetProperty(side).GetProperty("repo"), field, $"{side}.repo");
        }
        AssertSameShape(real.RootElement.GetProperty("user"), fake.RootElement.GetProperty("user"), "user");
    }

    [Theory]
    [InlineData("create-issue-comment.response.json", "POST")]
    [InlineData("update-issue-comment.response.json", "PATCH")]
    public async Task Comment_has_the_recorded_shape(string recording, string method)
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.AddPullRequest("acme", "infra", 7, Sha);
        var existing = server.AddComment("acme", "infra", 7, "before");
        var (path, status) = method == "POST"
            ? ("/repos/acme/infra/issues/7/comments", 201)
            : ($"/repos/acme/infra/issues/comments/{existing.Id}", 200);
        using var fake = await SendAsync(server, new HttpMethod(method), path, """{"body":"A test comment"}""", status);
        using var real = Load(recording);

        AssertSameShape(real.RootElement, fake.RootElement, "comment");
        AssertSameShape(real.RootElement.GetProperty("user"), fake.RootElement.GetProperty("user"), "comment.user");
        // Fields named in TerraFlow's contract with the stand-in, present on today's API even where 2016 recordings lack them.
        foreach (var field in new[] { "id", "node_id", "body", "html_url", "created_at" })
            Assert.True(fake.RootElement.TryGetProperty(field, out _), $"comment lacks {field}");
    }

    [Fact]
    public async Task Status_has_the_recorded_shape()
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.AddRepository("acme", "infra");
        using var fake = await SendAsync(server, HttpMethod.Post, $"/repos/acme/infra/statuses/{Sha}",
            """{"state":"success","target_url":"http://example.com","context":"ci","description":"ok"}""", 201);
        using var created = Load("create-commit-status.response.json");

        AssertSameShape(created.RootElement, fake.RootElement, "status");
        AssertSameShape(created.RootElement.GetProperty("creator"), fake.RootElement.GetProperty("creator"), "status.creator");
        Assert.Equal("ci", fake.RootElement.GetProperty("context").GetString());
    }

    [Fact]
    public async Task Installation_token_has_the_recorded_shape()
    {
        await using var server = await FakeGitHubServer.StartAsync();
        var jwt = UnsignedJwt();
        using var fake = await SendAsync(server, HttpMethod.Post, "/app/installations/3/access_tokens", null, 201, jwt);
        using var real = Load("create-installation-access-token.response.json");
        AssertSameShape(real.RootElement, fake.RootElement, "token");
    }

    [Fact]
    public async Task Errors_match_GitHub_bodies()
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.AddPullRequest("acme", "infra", 7, Sha);

        using var tooLong = await SendAsync(server, HttpMethod.Post, "/repos/acme/infra/issues/7/comments",
            JsonSerializer.Serialize(new { body = new string('a', 65537) }), 422);
        Assert.Equal("Validation Failed", tooLong.RootElement.GetProperty("message").GetString());
        var error = Assert.Single(tooLong.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("IssueComment", error.GetProperty("resource").GetString());
        Assert.Equal("custom", error.GetProperty("code").GetString());
        Assert.Equal("body", error.GetProperty("field").GetString());
        Assert.Equal("body is too long (maximum is 65536 characters)", error.GetProperty("message").GetString());

        using var missing = await SendAsync(server, HttpMethod.Get, "/repos/acme/other/pulls/1", null, 404);
        Assert.Equal("Not Found", missing.RootElement.GetProperty("message").GetString());
        using var anonymous = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/pulls/7", null, 401, bearer: "");
        Assert.Equal("Requires authentication", anonymous.RootElement.GetProperty("message").GetString());
        using var wrong = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/pulls/7", null, 401, bearer: "nope");
        Assert.Equal("Bad credentials", wrong.RootElement.GetProperty("message").GetString());
        // A static token cannot mint installation tokens: that endpoint needs an App JWT.
        using var notAnApp = await SendAsync(server, HttpMethod.Post, "/app/installations/3/access_tokens", null, 401);
        Assert.Equal("A JSON web token could not be decoded", notAnApp.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Invalid_status_state_and_long_description_are_rejected_like_GitHub()
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.AddRepository("acme", "infra");
        using var badState = await SendAsync(server, HttpMethod.Post, $"/repos/acme/infra/statuses/{Sha}", """{"state":"done"}""", 422);
        using var longDescription = await SendAsync(server, HttpMethod.Post, $"/repos/acme/infra/statuses/{Sha}",
            JsonSerializer.Serialize(new { state = "success", description = new string('d', 141) }), 422);
        Assert.Equal("description is too long (maximum is 140 characters)",
            longDescription.RootElement.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Empty(server.Statuses);
    }

    [Fact]
    public async Task Collaborator_permission_has_the_documented_shape()
    {
        // No recording of this endpoint exists in the fixtures; these are the fields GitHub's REST reference lists.
        await using var server = await FakeGitHubServer.StartAsync();
        server.SetCollaboratorPermission("acme", "infra", "alice", "maintain");
        using var doc = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/collaborators/alice/permission", null, 200);
        var root = doc.RootElement;

        Assert.Equal("write", root.GetProperty("permission").GetString());
        Assert.Equal("maintain", root.GetProperty("role_name").GetString());
        var user = root.GetProperty("user");
        Assert.Equal("alice", user.GetProperty("login").GetString());
        Assert.Equal("maintain", user.GetProperty("role_name").GetString());
        var permissions = user.GetProperty("permissions");
        Assert.Equal([false, true, true, true, true],
            new[] { "admin", "maintain", "push", "triage", "pull" }.Select(p => permissions.GetProperty(p).GetBoolean()));
        using var user2 = Load("get-pull-request.response.json");
        AssertSameShape(user2.RootElement.GetProperty("user"), user, "collaborator.user");

        using var missing = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/collaborators/bob/permission", null, 404);
        Assert.Equal("Not Found", missing.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Team_membership_has_the_documented_shape_and_needs_credentials()
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.SetTeamMembership("acme", "network", "alice", state: "pending", role: "maintainer");
        using var doc = await SendAsync(server, HttpMethod.Get, "/orgs/acme/teams/network/memberships/alice", null, 200);

        Assert.Equal("pending", doc.RootElement.GetProperty("state").GetString());
        Assert.Equal("maintainer", doc.RootElement.GetProperty("role").GetString());
        Assert.StartsWith(server.ApiUrl + "/teams/", doc.RootElement.GetProperty("url").GetString());

        using var stranger = await SendAsync(server, HttpMethod.Get, "/orgs/acme/teams/network/memberships/bob", null, 404);
        using var anonymous = await SendAsync(server, HttpMethod.Get, "/orgs/acme/teams/network/memberships/alice", null, 401, bearer: "");
        Assert.Equal("Requires authentication", anonymous.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Pull_request_mergeability_is_served_as_set()
    {
        await using var server = await FakeGitHubServer.StartAsync();
        server.AddPullRequest("acme", "infra", 7, Sha);
        using (var fresh = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/pulls/7", null, 200))
        {
            Assert.True(fresh.RootElement.GetProperty("mergeable").GetBoolean());
            Assert.Equal("clean", fresh.RootElement.GetProperty("mergeable_state").GetString());
        }

        server.SetMergeability("acme", "infra", 7, null, "unknown");
        using var computing = await SendAsync(server, HttpMethod.Get, "/repos/acme/infra/pulls/7", null, 200);
        Assert.Equal(JsonValueKind.Null, computing.RootElement.GetProperty("mergeable").ValueKind);
        Assert.Equal("unknown", computing.RootElement.GetProperty("mergeable_state").GetString());
        using var real = Load("get-pull-request.2.response.json"); // recorded while GitHub was still computing
        Assert.Equal(JsonValueKind.Null, real.RootElement.GetProperty("mergeable").ValueKind);
        Assert.Equal("unknown", real.RootElement.GetProperty("mergeable_state").GetString());
    }

    private static void AssertSameShape(JsonElement real, JsonElement fake, string where)
    {
        foreach (var property in real.EnumerateObject())
            AssertSameKind(real, fake, property.Name, where);
    }

    private static void AssertSameKind(JsonElement real, JsonElement fake, string field, string where)
    {
        Assert.True(fake.TryGetProperty(field, out var fakeValue), $"{where}: fake response lacks '{field}'");
        var realKind = Normalise(real.GetProperty(field).ValueKind);
        var fakeKind = Normalise(fakeValue.ValueKind);
        // null in either recording means "may be null"; otherwise the JSON kinds must agree.
        if (realKind != JsonValueKind.Null && fakeKind != JsonValueKind.Null)
            Assert.True(realKind == fakeKind, $"{where}.{field}: recorded {realKind}, fake {fakeKind}");
    }

    private static JsonValueKind Normalise(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;

    private static JsonDocument Load(string recording) => JsonDocument.Parse(ExternalFixtures.Bytes(Recorded + recording));

    private static async Task<JsonDocument> SendAsync(
        FakeGitHubServer server, HttpMethod method, string path, string? body, int expectedStatus, string? bearer = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, server.ApiUrl + path);
        bearer ??= server.Token;
        if (bearer.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"{method} {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(text);
    }

    /// <summary>Without a configured public key the fake checks JWT structure and lifetime, not the signature.</summary>
    private static string UnsignedJwt()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        static string B64(string s) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s));
        return $"{B64("""{"alg":"RS256","typ":"JWT"}""")}.{B64($$"""{"iat":{{now - 60}},"exp":{{now + 540}},"iss":"1"}""")}.c2ln";
    }
}
