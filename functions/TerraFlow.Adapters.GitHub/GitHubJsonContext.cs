using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.GitHub;

// Only the fields TerraFlow reads or writes; GitHub's objects are far larger and unknown fields are skipped.

internal sealed record GitHubUser(string? Login);

internal sealed record GitHubRepo(string? CloneUrl)
{
    public long? Id { get; init; }

    public string? FullName { get; init; }
}

internal sealed record GitHubBranch(string Sha, string Ref, GitHubRepo? Repo);

internal sealed record GitHubPullRequest(int Number, string State, bool? Merged, GitHubUser? User, GitHubBranch Head, GitHubBranch Base)
{
    // null while GitHub is still computing mergeability in the background (then mergeable_state is "unknown").
    public bool? Mergeable { get; init; }

    public string? MergeableState { get; init; }
}

/// <summary>GET /repos/{owner}/{repo}/collaborators/{user}/permission.</summary>
internal sealed record GitHubCollaboratorPermission(string? Permission, string? RoleName, GitHubUser? User);

/// <summary>GET /orgs/{org}/teams/{slug}/memberships/{user}: state is "active" or "pending" (invited, not yet joined).</summary>
internal sealed record GitHubTeamMembership(string? State, string? Role);

internal sealed record GitHubIssueComment(long Id, string? Body, GitHubUser? User);

/// <summary>GET /app (with the App's JWT): the App's own slug; its comments are authored by "{slug}[bot]".</summary>
internal sealed record GitHubApp(long Id, string? Slug);

internal sealed record GitHubCommentBody(string Body);

internal sealed record GitHubStatusRequest(string State, string Context, string Description, string? TargetUrl);

/// <summary>One entry of GET /repos/{owner}/{repo}/commits/{ref}/statuses (newest first).</summary>
internal sealed record GitHubStatus(string? State, string? Context, string? Description, string? TargetUrl);

internal sealed record GitHubInstallationToken(string Token, DateTimeOffset ExpiresAt);

internal sealed record GitHubValidationError(string? Resource, string? Code, string? Field, string? Message);

internal sealed record GitHubErrorBody(string? Message, List<GitHubValidationError>? Errors);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GitHubPullRequest))]
[JsonSerializable(typeof(GitHubIssueComment))]
[JsonSerializable(typeof(List<GitHubIssueComment>))]
[JsonSerializable(typeof(GitHubCommentBody))]
[JsonSerializable(typeof(GitHubStatusRequest))]
[JsonSerializable(typeof(List<GitHubStatus>))]
[JsonSerializable(typeof(GitHubInstallationToken))]
[JsonSerializable(typeof(GitHubErrorBody))]
[JsonSerializable(typeof(GitHubCollaboratorPermission))]
[JsonSerializable(typeof(GitHubTeamMembership))]
[JsonSerializable(typeof(GitHubApp))]
[JsonSerializable(typeof(GitHubUser))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;
