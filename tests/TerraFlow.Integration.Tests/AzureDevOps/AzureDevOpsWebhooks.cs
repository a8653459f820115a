using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.AzureDevOps;

/// <summary>
/// Azure DevOps service hook deliveries built from real payloads in the shared fixtures (zulip's captured
/// <c>git.pullrequest.created</c>, drone-go-scm's 2.0 comment event), changing only what a test controls, sent as a
/// Web Hooks subscription sends them (JSON body, Basic credentials, the subscription's custom headers).
/// </summary>
public static class AzureDevOpsWebhooks
{
    public const string User = "terraflow-hooks";
    public const string Password = "azdo-hook-password-0123456789";

    private static int _nextThread = 5000 + Random.Shared.Next(1000);

    public sealed record PullRequest(string Project, string Repository, int Id, string HeadSha, string BaseSha, string Author, string CloneUrl);

    /// <summary>A pull request event (<paramref name="eventType"/> created / updated / merged) with a fresh event id unless given.</summary>
    public static JsonObject PullRequestEvent(string eventType, PullRequest pr, string status = "active", string? eventId = null, Action<JsonObject>? edit = null)
    {
        var payload = Load("azure-devops/zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__opened.json");
        payload["id"] = eventId ?? Guid.NewGuid().ToString();
        payload["eventType"] = eventType;
        Fill(payload["resource"]!.AsObject(), pr, status);
        edit?.Invoke(payload);
        return payload;
    }

    /// <summary>A reviewer vote notification: the pull request with its reviewers' current votes.</summary>
    public static JsonObject Votes(PullRequest pr, params (string UniqueName, int Vote)[] votes) =>
        PullRequestEvent("git.pullrequest.updated", pr, edit: p =>
        {
            var reviewers = new JsonArray();
            foreach (var (name, vote) in votes)
                reviewers.Add(new JsonObject { ["vote"] = vote, ["displayName"] = name, ["id"] = Guid.NewGuid().ToString(), ["uniqueName"] = name, ["isContainer"] = false });
            p["resource"]!["reviewers"] = reviewers;
        });

    /// <summary>A new comment (resource version 2.0) in a new thread of the pull request.</summary>
    public static JsonObject Comment(PullRequest pr, string author, string content)
    {
        var payload = Load("azure-devops/drone-go-scm/scm/driver/azure/testdata/webhooks/issue_comment.json");
        payload["id"] = Guid.NewGuid().ToString();
        var thread = Interlocked.Increment(ref _nextThread);
        var comment = payload["resource"]!["comment"]!.AsObject();
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        comment["id"] = 1;
        comment["parentCommentId"] = 0;
        comment["content"] = content;
        comment["author"]!["uniqueName"] = author;
        comment["publishedDate"] = now;
        comment["lastUpdatedDate"] = now;
        comment["lastContentUpdatedDate"] = now;
        comment["_links"]!["self"]!["href"] = $"https://dev.azure.com/contoso/_apis/git/repositories/{Guid.NewGuid()}/pullRequests/{pr.Id}/threads/{thread}/comments/1";
        Fill(payload["resource"]!["pullRequest"]!.AsObject(), pr, "active");
        return payload;
    }

    private static void Fill(JsonObject resource, PullRequest pr, string status)
    {
        resource["repository"]!["name"] = pr.Repository;
        resource["repository"]!["project"]!["name"] = pr.Project;
        resource["repository"]!["remoteUrl"] = pr.CloneUrl;
        resource["pullRequestId"] = pr.Id;
        resource["status"] = status;
        resource["createdBy"]!["uniqueName"] = pr.Author;
        resource["sourceRefName"] = "refs/heads/feature";
        resource["targetRefName"] = "refs/heads/main";
        resource["mergeStatus"] = "succeeded";
        resource["lastMergeSourceCommit"]!["commitId"] = pr.HeadSha;
        resource["lastMergeTargetCommit"]!["commitId"] = pr.BaseSha;
    }

    /// <summary>Posts to /api/webhooks/azuredevops with the subscription's Basic credentials (<paramref name="user"/> null: none) and headers.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, string baseUrl, string body, string? notification = null, string? user = User, string password = Password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/api/webhooks/azuredevops")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("User-Agent", "VSServices/19.247.35122.1");
        if (user is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        if (notification is not null) request.Headers.Add("X-TerraFlow-Notification", notification);
        return await http.SendAsync(request);
    }

    private static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.SharedFixtures, relative)))!.AsObject();
}
