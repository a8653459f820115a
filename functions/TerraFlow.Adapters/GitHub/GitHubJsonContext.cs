using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.GitHub;

// Only the fields TerraFlow reads or writes; GitHub's objects are far larger and unknown fields are skipped.

internal sealed record GitHubUser(string? Login);

internal sealed record GitHubRepo(string? CloneUrl);

internal sealed record GitHubBranch(string Sha, string Ref, GitHubRepo? Repo);

internal sealed record GitHubPullRequest(int Number, string State, bool? Merged, GitHubUser? User, GitHubBranch Head, GitHubBranch Base);

internal sealed record GitHubIssueComment(long Id, string? Body, GitHubUser? User);

internal sealed record GitHubCommentBody(string Body);

internal sealed record GitHubStatusRequest(string State, string Context, string Description, string? TargetUrl);

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
[JsonSerializable(typeof(GitHubInstallationToken))]
[JsonSerializable(typeof(GitHubErrorBody))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;
