using TerraFlow.Adapters.Webhooks;
using TerraFlow.Adapters.Webhooks.Validation;
using System.Text.Json;

namespace TerraFlow.Adapters.GitLab;

/// <summary>What a merge request "update" hook changed, and who wrote the merge request.</summary>
internal static class MergeRequestChanges
{
    /// <summary>
    /// True when the update brought code to plan: GitLab sets <c>object_attributes.oldrev</c> only "when there are
    /// actual code changes" (a push, a rebase); a changed target branch changes the diff too. Title, description,
    /// label, assignee, reviewer, milestone and draft edits come with neither and must not re-plan.
    /// </summary>
    public static bool HasNewCode(WebhookJson json)
    {
        if (json.OptionalString("object_attributes.oldrev") is { Length: > 0 } oldrev
            && oldrev != json.OptionalString("object_attributes.last_commit.id"))
            return true;
        return Changed(json, "changes.last_commit") || Changed(json, "changes.target_branch");
    }

    private static bool Changed(WebhookJson json, string path) =>
        json.Find(path) is { ValueKind: JsonValueKind.Object } change
        && change.TryGetProperty("previous", out var previous) && change.TryGetProperty("current", out var current)
        && previous.GetRawText() != current.GetRawText();

    /// <summary>
    /// The merge request author's username. Hooks give only <c>author_id</c>; the acting <c>user</c> is the author
    /// when the ids match (always for "open"), else the author may be among the assignees or reviewers. Falls back to
    /// the acting user: the workflow reads the author from the API (GetPullRequestAsync) where it matters.
    /// </summary>
    public static string AuthorUsername(WebhookJson json)
    {
        var authorId = json.OptionalInt64("object_attributes.author_id");
        if (authorId is not null)
        {
            if (json.OptionalInt64("user.id") == authorId && json.Has("user.username")) return json.Account("user.username");
            foreach (var list in new[] { "assignees", "reviewers" })
            {
                if (json.Find(list) is not { ValueKind: JsonValueKind.Array } people) continue;
                foreach (var person in people.EnumerateArray())
                {
                    if (person.ValueKind == JsonValueKind.Object && person.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number
                        && id.TryGetInt64(out var n) && n == authorId
                        && person.TryGetProperty("username", out var name) && name.ValueKind == JsonValueKind.String)
                        return json.Checked($"{list}[].username", ReadString(name, list), WebhookNames.AccountProblem);
                }
            }
        }
        return json.Account("user.username");
    }

    private static string ReadString(JsonElement value, string list)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate; WebhookDocument refuses such bodies first, this keeps it a 400 regardless.
            throw new GitLabPayloadException($"GitLab payload field '{list}[].username' is not valid text.");
        }
    }
}
