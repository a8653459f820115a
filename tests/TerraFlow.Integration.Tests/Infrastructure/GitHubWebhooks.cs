using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.GitHub;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>
/// Builds webhook deliveries from GitHub's real payloads (octokit/webhooks examples in the shared fixtures), changing
/// only the fields a test controls, and sends them signed the way GitHub signs them.
/// </summary>
public static class GitHubWebhooks
{
    /// <summary>Who opens the pull requests of the real payload (its repository's owner there).</summary>
    public const string PayloadAuthor = "Codertocat";

    // Every comment and review GitHub creates has an id of its own; TerraFlow de-duplicates on it.
    private static long _nextId = 2_000_000_000 + Random.Shared.Next(1_000_000);

    /// <param name="Author">Who opened (and pushed to) the pull request; the payload's own author when null.</param>
    public sealed record PullRequestSpec(string Owner, string Repo, int Number, string HeadSha, string BaseSha, string CloneUrl, string Action = "opened", bool Merged = false, string? Author = null);

    public static string PullRequest(PullRequestSpec spec)
    {
        var payload = Load("octokit-webhooks/payload-examples/api.github.com/pull_request/opened.payload.json");
        payload["action"] = spec.Action;
        payload["number"] = spec.Number;
        var pr = payload["pull_request"]!.AsObject();
        pr["number"] = spec.Number;
        pr["state"] = spec.Action == "closed" ? "closed" : "open";
        pr["merged"] = spec.Merged;
        if (spec.Author is { } author)
        {
            pr["user"]!["login"] = author;
            payload["sender"]!["login"] = author;
        }
        pr["head"]!["sha"] = spec.HeadSha;
        pr["base"]!["sha"] = spec.BaseSha;
        foreach (var repo in new[] { payload["repository"]!, pr["head"]!["repo"]!, pr["base"]!["repo"]! })
        {
            repo["name"] = spec.Repo;
            repo["full_name"] = $"{spec.Owner}/{spec.Repo}";
            repo["owner"]!["login"] = spec.Owner;
            repo["clone_url"] = spec.CloneUrl;
        }
        return payload.ToJsonString();
    }

    /// <param name="commentId">The comment's id; a new one by default, as for a newly written comment.</param>
    /// <param name="createdAt">When it was written; now by default.</param>
    public static string IssueComment(string owner, string repo, int number, string body, string author = "octocat", long? commentId = null, DateTimeOffset? createdAt = null)
    {
        var payload = Load("octokit-webhooks/payload-examples/api.github.com/issue_comment/created.payload.json");
        payload["comment"]!["id"] = commentId ?? Interlocked.Increment(ref _nextId);
        var written = (createdAt ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        payload["comment"]!["created_at"] = written;
        payload["comment"]!["updated_at"] = written;
        payload["issue"]!["number"] = number;
        payload["issue"]!["pull_request"] ??= new JsonObject { ["url"] = $"https://api.github.com/repos/{owner}/{repo}/pulls/{number}" };
        payload["comment"]!["body"] = body;
        payload["comment"]!["user"]!["login"] = author;
        payload["repository"]!["name"] = repo;
        payload["repository"]!["full_name"] = $"{owner}/{repo}";
        payload["repository"]!["owner"]!["login"] = owner;
        return payload.ToJsonString();
    }

    /// <summary>A submitted review in GitHub's real payload shape; <paramref name="state"/> is "approved", "commented", ...</summary>
    public static string Review(string owner, string repo, int number, string reviewer, string commitSha, string state = "approved")
    {
        var payload = Load("octokit-webhooks/payload-examples/api.github.com/pull_request_review/submitted.payload.json");
        payload["action"] = "submitted";
        payload["review"]!["id"] = Interlocked.Increment(ref _nextId);
        payload["review"]!["state"] = state;
        payload["review"]!["commit_id"] = commitSha;
        payload["review"]!["user"]!["login"] = reviewer;
        payload["pull_request"]!["number"] = number;
        foreach (var r in new[] { payload["repository"]!, payload["pull_request"]!["base"]!["repo"]! })
        {
            r["name"] = repo;
            r["full_name"] = $"{owner}/{repo}";
            r["owner"]!["login"] = owner;
        }
        return payload.ToJsonString();
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, string baseUrl, string eventName, string body, string? secret, string? deliveryId = null, string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/api/webhooks/github") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("User-Agent", "GitHub-Hookshot/044aadd");
        var sig = signature ?? (secret is null ? null : GitHubWebhookVerifier.ComputeSignature(secret, bytes));
        if (sig is not null) request.Headers.Add("X-Hub-Signature-256", sig);
        return await http.SendAsync(request);
    }

    private static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.SharedFixtures, relative)))!.AsObject();
}
