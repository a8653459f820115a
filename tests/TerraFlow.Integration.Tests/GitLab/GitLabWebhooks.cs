using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.GitLab;

/// <summary>
/// GitLab deliveries built from GitLab's documented payloads (gitlab-docs in the shared fixtures), changing only what a
/// test controls, sent with the headers GitLab sends (X-Gitlab-Event, X-Gitlab-Token, Idempotency-Key, UUIDs).
/// </summary>
public static class GitLabWebhooks
{
    public const string Secret = "gitlab-hook-secret-token";

    /// <summary>A merge request hook for <paramref name="projectPath"/>!<paramref name="iid"/>; <paramref name="edit"/> changes the rest.</summary>
    public static string MergeRequest(string projectPath, int iid, string action, string headSha, Action<JsonObject>? edit = null)
    {
        var payload = Load("gitlab-docs/merge_request_hook.open.doc-example.json");
        payload["project"]!["path_with_namespace"] = projectPath;
        var attributes = payload["object_attributes"]!.AsObject();
        attributes["action"] = action;
        attributes["iid"] = iid;
        attributes["last_commit"]!["id"] = headSha;
        payload["changes"] = new JsonObject();
        edit?.Invoke(payload);
        return payload.ToJsonString();
    }

    /// <summary>Who opens (and pushes to) the merge requests of the documented payload.</summary>
    public const string PayloadAuthor = "root";

    // Every note GitLab creates has an id of its own; TerraFlow de-duplicates on it.
    private static long _nextNoteId = 900_000 + Random.Shared.Next(100_000);

    public static string Note(string projectPath, int iid, string body, string author = "root", DateTimeOffset? createdAt = null)
    {
        var payload = Load("gitlab-docs/note_hook.merge_request.doc-example.json");
        payload["object_attributes"]!["id"] = Interlocked.Increment(ref _nextNoteId);
        payload["object_attributes"]!["created_at"] = (createdAt ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        payload["project"]!["path_with_namespace"] = projectPath;
        payload["merge_request"]!["iid"] = iid;
        payload["object_attributes"]!["note"] = body;
        payload["user"]!["username"] = author;
        return payload.ToJsonString();
    }

    /// <summary>Headers as GitLab sends them; pass null to leave one out.</summary>
    public sealed record Delivery(string? Token = Secret, string? IdempotencyKey = "", string? WebhookUuid = "3c5c0404-c866-44bc-a5f6-452bb1bfc76e", string? EventUuid = "");

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, string baseUrl, string eventName, string body, Delivery delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/api/webhooks/gitlab")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("User-Agent", "GitLab/17.1.0");
        request.Headers.Add("X-Gitlab-Event", eventName);
        request.Headers.Add("X-Gitlab-Instance", "https://gitlab.example.com");
        // "" means: a fresh value, like GitLab for a new delivery.
        Add(request, "Idempotency-Key", delivery.IdempotencyKey);
        Add(request, "X-Gitlab-Webhook-UUID", delivery.WebhookUuid);
        Add(request, "X-Gitlab-Event-UUID", delivery.EventUuid);
        if (delivery.Token is not null) request.Headers.Add("X-Gitlab-Token", delivery.Token);
        return await http.SendAsync(request);
    }

    private static void Add(HttpRequestMessage request, string name, string? value)
    {
        if (value is null) return;
        request.Headers.Add(name, value.Length == 0 ? Guid.NewGuid().ToString() : value);
    }

    private static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.SharedFixtures, relative)))!.AsObject();
}
