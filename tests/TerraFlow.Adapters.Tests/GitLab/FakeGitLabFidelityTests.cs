using System.Net;
using System.Text.Json;
using TerraFlow.Adapters.Tests.GitHub;
using TerraFlow.Testing.FakeGitLab;

namespace TerraFlow.Adapters.Tests.GitLab;

/// <summary>
/// The stand-in answers like gitlab.com: its bodies use only field names that real recorded answers have (Atlantis'
/// GitLab client fixtures), with the same JSON kinds, and it refuses what GitLab refuses, the way GitLab words it.
/// </summary>
public sealed class FakeGitLabFidelityTests
{
    private const string Recorded = "atlantis/server/events/vcs/gitlab/testdata/";

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Get(FakeGitLabServer server, string path, string? token = "")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.ApiUrl + path);
        if (token is not null) request.Headers.Add("PRIVATE-TOKEN", token.Length == 0 ? server.Token : token);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static JsonElement Fixture(string name) => JsonDocument.Parse(ExternalFixtures.Bytes(Recorded + name)).RootElement.Clone();

    /// <summary>Every field the fake sends exists in the recording, with the same JSON kind unless one side is null.</summary>
    private static void AssertSubsetOf(JsonElement recorded, JsonElement fake, string what)
    {
        foreach (var property in fake.EnumerateObject())
        {
            Assert.True(recorded.TryGetProperty(property.Name, out var real), $"{what}: the fake sends '{property.Name}', which GitLab does not");
            if (real.ValueKind != JsonValueKind.Null && property.Value.ValueKind != JsonValueKind.Null)
                Assert.True(Kind(real) == Kind(property.Value), $"{what}.{property.Name}: GitLab sends {real.ValueKind}, the fake {property.Value.ValueKind}");
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? "bool" : e.ValueKind.ToString();

    [Fact]
    public async Task Merge_request_project_user_and_member_bodies_use_GitLabs_field_names()
    {
        await using var server = await FakeGitLabServer.StartAsync();
        server.AddMergeRequest("acme", "infra", 8, "a7e1c0cceef744e6c13a9a728027f837b84b23be", "2608b60d023280134ca16252505ce307bf0eec97");
        server.SetGroupMember("acme", "testuser", 50);

        var mr = (await Get(server, "/projects/acme%2Finfra/merge_requests/8")).Body;
        AssertSubsetOf(Fixture("pull-request.json"), mr, "merge request");
        AssertSubsetOf(Fixture("pull-request.json").GetProperty("diff_refs"), mr.GetProperty("diff_refs"), "diff_refs");
        AssertSubsetOf(Fixture("pull-request.json").GetProperty("author"), mr.GetProperty("author"), "author");

        AssertSubsetOf(Fixture("project-success.json"), (await Get(server, "/projects/acme%2Finfra")).Body, "project");
        var users = (await Get(server, "/users?username=testuser")).Body;
        AssertSubsetOf(Fixture("user-success.json")[0], users[0], "user");
        var userId = users[0].GetProperty("id").GetInt64();
        AssertSubsetOf(Fixture("group-membership-success.json"), (await Get(server, $"/groups/acme/members/all/{userId}")).Body, "member");
    }

    [Fact]
    public async Task Refusals_use_GitLabs_status_codes_and_messages()
    {
        await using var server = await FakeGitLabServer.StartAsync();
        server.AddProject("acme/infra");

        var noToken = await Get(server, "/projects/acme%2Finfra", token: null);
        var badToken = await Get(server, "/projects/acme%2Finfra", token: "nope");
        var noProject = await Get(server, "/projects/acme%2Fmissing");
        var noMr = await Get(server, "/projects/acme%2Finfra/merge_requests/404");
        var noUser = await Get(server, "/users?username=ghost");

        Assert.Equal((HttpStatusCode.Unauthorized, "401 Unauthorized"), (noToken.Status, noToken.Body.GetProperty("message").GetString()));
        Assert.Equal((HttpStatusCode.Unauthorized, "401 Unauthorized"), (badToken.Status, badToken.Body.GetProperty("message").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, "404 Project Not Found"), (noProject.Status, noProject.Body.GetProperty("message").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, "404 Not found"), (noMr.Status, noMr.Body.GetProperty("message").GetString()));
        Assert.Equal((HttpStatusCode.OK, 0), (noUser.Status, noUser.Body.GetArrayLength()));
    }

    [Fact]
    public async Task Notes_are_newest_first_by_default_and_paginated_with_GitLabs_headers()
    {
        await using var server = await FakeGitLabServer.StartAsync();
        server.AddMergeRequest("acme", "infra", 1, "abc1234", "def5678");
        for (var i = 0; i < 45; i++) server.AddNote("acme/infra", 1, $"n{i}");

        var page1 = await Get(server, "/projects/acme%2Finfra/merge_requests/1/notes");
        var page3 = await Get(server, "/projects/acme%2Finfra/merge_requests/1/notes?page=3");

        Assert.Equal(20, page1.Body.GetArrayLength());
        Assert.Equal("n44", page1.Body[0].GetProperty("body").GetString());
        string Header(HttpResponseMessage r, string name) => r.Headers.GetValues(name).Single();
        Assert.Equal(("1", "2", "45", "3"), (Header(page1.Response, "X-Page"), Header(page1.Response, "X-Next-Page"), Header(page1.Response, "X-Total"), Header(page1.Response, "X-Total-Pages")));
        Assert.Contains("rel=\"next\"", Header(page1.Response, "Link"));
        Assert.Contains("/projects/acme%2Finfra/merge_requests/1/notes?page=2", Header(page1.Response, "Link"));
        Assert.Equal(5, page3.Body.GetArrayLength());
        Assert.Equal("", Header(page3.Response, "X-Next-Page"));
        Assert.DoesNotContain("rel=\"next\"", Header(page3.Response, "Link"));
    }
}
