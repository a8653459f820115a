using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.Tests.GitHub;

namespace TerraFlow.Adapters.Tests.GitLab;

/// <summary>Hand-made variants of GitLab's documented hook examples (read from the shared fixtures and edited).</summary>
internal static class GitLabPayloads
{
    public const string DocMergeRequest = "gitlab-docs/merge_request_hook.open.doc-example.json";
    public const string DocNote = "gitlab-docs/note_hook.merge_request.doc-example.json";

    /// <summary>The documented merge request hook with <c>object_attributes.action</c> set and <paramref name="edit"/> applied.</summary>
    public static byte[] MergeRequest(string action, Action<JsonObject>? edit = null)
    {
        var root = JsonNode.Parse(ExternalFixtures.Bytes(DocMergeRequest))!.AsObject();
        var attributes = root["object_attributes"]!.AsObject();
        attributes["action"] = action;
        if (action is "merge") attributes["state"] = "merged";
        if (action is "close") attributes["state"] = "closed";
        // The example's "changes" (draft, labels) describe an edit; start every variant without them.
        root["changes"] = new JsonObject();
        edit?.Invoke(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    public static byte[] Note(Action<JsonObject>? edit = null)
    {
        var root = JsonNode.Parse(ExternalFixtures.Bytes(DocNote))!.AsObject();
        edit?.Invoke(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    public static JsonObject Attributes(JsonObject root) => root["object_attributes"]!.AsObject();
}
