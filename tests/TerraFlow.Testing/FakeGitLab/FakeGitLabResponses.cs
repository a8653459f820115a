using System.Globalization;
using System.Text.Json.Nodes;

namespace TerraFlow.Testing.FakeGitLab;

/// <summary>
/// Response bodies in GitLab's shapes, modelled on recorded gitlab.com answers (Atlantis' GitLab client fixtures:
/// pull-request.json, project-success.json, user-success.json, group-membership-success.json) and the API docs.
/// </summary>
internal sealed class FakeGitLabResponses(string apiUrl, string webUrl, FakeGitLabState state)
{
    public string ApiUrl => apiUrl;

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>GitLab's error body, e.g. <c>{"message":"404 Project Not Found"}</c>.</summary>
    public static JsonObject Message(string message) => new() { ["message"] = message };

    /// <summary>Parameter validation errors come as <c>{"error":"body is missing"}</c>.</summary>
    public static JsonObject Error(string error) => new() { ["error"] = error };

    public JsonObject User(string username)
    {
        var id = state.UserId(username);
        return new JsonObject
        {
            ["id"] = id,
            ["username"] = username,
            ["name"] = username,
            ["state"] = "active",
            ["locked"] = false,
            ["avatar_url"] = $"{webUrl}/uploads/-/system/user/avatar/{id}/avatar.png",
            ["web_url"] = $"{webUrl}/{username}",
        };
    }

    public JsonObject Project(FakeGitLabProject p)
    {
        var slash = p.Path.LastIndexOf('/');
        var ns = slash > 0 ? p.Path[..slash] : p.Path;
        var name = p.Path[(slash + 1)..];
        return new JsonObject
        {
            ["id"] = p.Id,
            ["description"] = "",
            ["name"] = name,
            ["name_with_namespace"] = string.Join(" / ", p.Path.Split('/')),
            ["path"] = name,
            ["path_with_namespace"] = p.Path,
            ["created_at"] = "2024-01-01T00:00:00.000Z",
            ["default_branch"] = "main",
            ["tag_list"] = new JsonArray(),
            ["ssh_url_to_repo"] = $"git@{new Uri(webUrl).Host}:{p.Path}.git",
            ["http_url_to_repo"] = p.HttpUrlToRepo,
            ["web_url"] = $"{webUrl}/{p.Path}",
            ["namespace"] = new JsonObject
            {
                ["id"] = (uint)StringComparer.OrdinalIgnoreCase.GetHashCode(ns) % 1_000_000,
                ["name"] = ns.Split('/')[^1],
                ["path"] = ns.Split('/')[^1],
                ["kind"] = "group",
                ["full_path"] = ns,
                ["web_url"] = $"{webUrl}/groups/{ns}",
            },
            ["_links"] = new JsonObject
            {
                ["self"] = $"{apiUrl}/projects/{p.Id}",
                ["merge_requests"] = $"{apiUrl}/projects/{p.Id}/merge_requests",
                ["members"] = $"{apiUrl}/projects/{p.Id}/members",
            },
        };
    }

    public JsonObject MergeRequest(FakeGitLabProject target, long sourceProjectId, FakeMergeRequest mr, DateTimeOffset now) => new()
    {
        ["id"] = target.Id * 1000 + mr.Iid,
        ["iid"] = mr.Iid,
        ["project_id"] = target.Id,
        ["title"] = mr.Title,
        ["description"] = "",
        ["state"] = mr.State,
        ["created_at"] = Timestamp(now),
        ["updated_at"] = Timestamp(now),
        ["merged_by"] = mr.State == "merged" ? User(mr.Author) : null,
        ["merged_at"] = mr.State == "merged" ? Timestamp(now) : null,
        ["closed_at"] = mr.State == "closed" ? Timestamp(now) : null,
        ["target_branch"] = mr.TargetBranch,
        ["source_branch"] = mr.SourceBranch,
        ["user_notes_count"] = state.NotesOn(target.Id, mr.Iid).Count(n => !n.System),
        ["author"] = User(mr.Author),
        ["assignees"] = new JsonArray(),
        ["reviewers"] = new JsonArray(),
        ["source_project_id"] = sourceProjectId,
        ["target_project_id"] = target.Id,
        ["labels"] = new JsonArray(),
        ["draft"] = false,
        ["work_in_progress"] = false,
        ["merge_when_pipeline_succeeds"] = false,
        // The legacy field next to the detailed one, as GitLab still sends both.
        ["merge_status"] = mr.DetailedMergeStatus switch { "mergeable" => "can_be_merged", "checking" => "checking", "unchecked" => "unchecked", _ => "cannot_be_merged" },
        ["detailed_merge_status"] = mr.State == "opened" ? mr.DetailedMergeStatus : "not_open",
        ["sha"] = mr.HeadSha,
        ["merge_commit_sha"] = mr.State == "merged" ? mr.HeadSha : null,
        ["squash_commit_sha"] = null,
        ["reference"] = $"!{mr.Iid}",
        ["references"] = new JsonObject { ["short"] = $"!{mr.Iid}", ["relative"] = $"!{mr.Iid}", ["full"] = $"{target.Path}!{mr.Iid}" },
        ["web_url"] = $"{webUrl}/{target.Path}/-/merge_requests/{mr.Iid}",
        ["has_conflicts"] = mr.DetailedMergeStatus == "conflict",
        ["blocking_discussions_resolved"] = true,
        ["diff_refs"] = new JsonObject { ["base_sha"] = mr.BaseSha, ["head_sha"] = mr.HeadSha, ["start_sha"] = mr.BaseSha },
        ["first_contribution"] = false,
        ["user"] = new JsonObject { ["can_merge"] = true },
    };

    public JsonObject Note(FakeGitLabNote n) => new()
    {
        ["id"] = n.Id,
        ["type"] = null,
        ["body"] = n.Body,
        ["attachment"] = null,
        ["author"] = User(n.Author),
        ["created_at"] = Timestamp(n.CreatedAt),
        ["updated_at"] = Timestamp(n.UpdatedAt),
        ["system"] = n.System,
        ["noteable_id"] = n.ProjectId * 1000 + n.Iid,
        ["noteable_type"] = "MergeRequest",
        ["project_id"] = n.ProjectId,
        ["resolvable"] = false,
        ["confidential"] = false,
        ["internal"] = false,
        ["noteable_iid"] = n.Iid,
        ["commands_changes"] = new JsonObject(),
    };

    public JsonObject Status(FakeGitLabStatus s, string author, DateTimeOffset now) => new()
    {
        ["id"] = s.Id,
        ["sha"] = s.Sha,
        ["ref"] = null,
        ["status"] = s.State,
        ["name"] = s.Name,
        ["target_url"] = s.TargetUrl,
        ["description"] = s.Description,
        ["created_at"] = Timestamp(now),
        ["started_at"] = s.State == "pending" ? null : Timestamp(now),
        ["finished_at"] = s.State is "success" or "failed" or "canceled" ? Timestamp(now) : null,
        ["allow_failure"] = false,
        ["coverage"] = null,
        ["author"] = User(author),
    };

    public JsonObject Member(string username, int accessLevel)
    {
        var member = User(username);
        member["access_level"] = accessLevel;
        member["created_at"] = "2024-01-01T00:00:00.000Z";
        member["expires_at"] = null;
        member["membership_state"] = "active";
        return member;
    }

    public JsonObject Approvals(FakeGitLabProject project, FakeMergeRequest mr, IReadOnlyList<string> approvers) => new()
    {
        ["id"] = project.Id * 1000 + mr.Iid,
        ["iid"] = mr.Iid,
        ["project_id"] = project.Id,
        ["title"] = mr.Title,
        ["state"] = mr.State,
        ["merge_status"] = "can_be_merged",
        ["approved"] = approvers.Count > 0,
        ["approvals_required"] = 0,
        ["approvals_left"] = 0,
        ["approved_by"] = new JsonArray(approvers.Select(a => (JsonNode)new JsonObject { ["user"] = User(a) }).ToArray()),
    };
}
