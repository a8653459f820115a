using System.Text.Json;
using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.GitLab;

// Only the fields TerraFlow reads or writes; GitLab's objects are far larger and unknown fields are skipped.

internal sealed record GitLabUser(long Id, string? Username);

internal sealed record GitLabDiffRefs(string? BaseSha, string? HeadSha, string? StartSha);

/// <summary>GET /projects/:id/merge_requests/:iid.</summary>
internal sealed record GitLabMergeRequest(
    long Iid,
    long ProjectId,
    long SourceProjectId,
    long TargetProjectId,
    string State,
    string? Sha,
    string SourceBranch,
    string TargetBranch,
    GitLabUser? Author,
    GitLabDiffRefs? DiffRefs)
{
    /// <summary>"mergeable", "need_rebase", "conflict", "checking", "unchecked", "ci_must_pass", "not_approved"…</summary>
    public string? DetailedMergeStatus { get; init; }
}

/// <summary>GET /projects/:id.</summary>
internal sealed record GitLabProject(long Id, string? PathWithNamespace, string? HttpUrlToRepo);

/// <summary>A merge request note; <c>system</c> notes are GitLab's own ("added 1 commit", "approved this merge request").</summary>
internal sealed record GitLabNote(long Id, string? Body, GitLabUser? Author, bool System);

internal sealed record GitLabNoteBody(string Body);

/// <summary>POST /projects/:id/statuses/:sha. <c>name</c> is the status context.</summary>
internal sealed record GitLabStatusRequest(string State, string Name, string Description, string? TargetUrl);

/// <summary>GET /projects/:id/members/all/:user_id and /groups/:id/members/all/:user_id.</summary>
internal sealed record GitLabMember(long Id, string? Username, int AccessLevel, string? State);

internal sealed record GitLabApprovedBy(GitLabUser? User);

/// <summary>GET /projects/:id/merge_requests/:iid/approvals.</summary>
internal sealed record GitLabApprovals(List<GitLabApprovedBy>? ApprovedBy);

/// <summary>GitLab errors: <c>{"message": "404 Not found"}</c>, <c>{"message": {"note": ["is too long"]}}</c> or <c>{"error": "…"}</c>.</summary>
internal sealed record GitLabErrorBody(JsonElement? Message, string? Error);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GitLabMergeRequest))]
[JsonSerializable(typeof(GitLabProject))]
[JsonSerializable(typeof(GitLabNote))]
[JsonSerializable(typeof(List<GitLabNote>))]
[JsonSerializable(typeof(GitLabNoteBody))]
[JsonSerializable(typeof(GitLabStatusRequest))]
[JsonSerializable(typeof(GitLabMember))]
[JsonSerializable(typeof(List<GitLabUser>))]
[JsonSerializable(typeof(GitLabUser))]
[JsonSerializable(typeof(GitLabApprovals))]
[JsonSerializable(typeof(GitLabErrorBody))]
internal sealed partial class GitLabJsonContext : JsonSerializerContext;
