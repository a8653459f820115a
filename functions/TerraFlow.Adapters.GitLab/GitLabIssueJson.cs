using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.GitLab;

/// <summary>GET /projects/:id/issues/:iid (only what drift reporting reads). <c>state</c> is "opened" or "closed".</summary>
internal sealed record GitLabIssue(long Iid, string? State, string? Title, string? Description, GitLabUser? Author, List<string>? Labels);

/// <summary>
/// POST /projects/:id/issues and PUT /projects/:id/issues/:iid. <c>labels</c> is comma-separated (GitLab creates
/// labels that do not exist yet); <c>state_event</c> is "close" or "reopen".
/// </summary>
internal sealed record GitLabIssueRequest(string Title, string Description, string Labels, string? StateEvent);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GitLabIssue))]
[JsonSerializable(typeof(List<GitLabIssue>))]
[JsonSerializable(typeof(GitLabIssueRequest))]
[JsonSerializable(typeof(List<GitLabNote>))]
[JsonSerializable(typeof(GitLabNoteBody))]
internal sealed partial class GitLabIssueJsonContext : JsonSerializerContext;
