using System.Text.Json;
using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.AzureDevOps;

// Only the fields TerraFlow reads or writes (REST api-version 7.1); unknown fields are skipped.

internal sealed record AzDoError(string? Message, string? TypeKey);

internal sealed record AzDoIdentityRef(string? Id, string? DisplayName, string? UniqueName)
{
    public bool IsContainer { get; init; }
}

internal sealed record AzDoCommitRef(string? CommitId);

internal sealed record AzDoProjectRef(string? Id, string? Name);

internal sealed record AzDoRepository(string? Id, string? Name, string? RemoteUrl, AzDoProjectRef? Project);

internal sealed record AzDoReviewer(string? Id, string? UniqueName, int Vote)
{
    public bool IsContainer { get; init; }
}

/// <summary>GET …/pullrequests/{id} (GitPullRequest).</summary>
internal sealed record AzDoPullRequest(
    int PullRequestId,
    string? Status,
    string? SourceRefName,
    string? TargetRefName,
    string? MergeStatus,
    AzDoIdentityRef? CreatedBy,
    AzDoCommitRef? LastMergeSourceCommit,
    AzDoCommitRef? LastMergeTargetCommit,
    AzDoRepository? Repository,
    List<AzDoReviewer>? Reviewers)
{
    /// <summary>Set when the source branch is in a fork.</summary>
    public JsonElement? ForkSource { get; init; }
}

internal sealed record AzDoPullRequestList(List<AzDoPullRequest> Value);

internal sealed record AzDoComment(int Id, int ParentCommentId, string? Content, AzDoIdentityRef? Author, string? CommentType)
{
    public bool IsDeleted { get; init; }
}

internal sealed record AzDoThread(int Id, List<AzDoComment>? Comments)
{
    public bool IsDeleted { get; init; }
}

internal sealed record AzDoThreadList(List<AzDoThread> Value);

/// <summary>commentType 1 = text.</summary>
internal sealed record AzDoNewComment(int ParentCommentId, string Content, int CommentType);

/// <summary>POST threads without a status: a plain comment, which never blocks completion ("resolve all comments" policies).</summary>
internal sealed record AzDoNewThread(List<AzDoNewComment> Comments);

internal sealed record AzDoCommentPatch(string Content);

internal sealed record AzDoStatusContext(string Name, string Genre);

/// <summary>POST …/pullRequests/{id}/statuses and …/commits/{sha}/statuses (GitPullRequestStatus / GitStatus).</summary>
internal sealed record AzDoStatusRequest(string State, string Description, AzDoStatusContext Context, string? TargetUrl, int? IterationId);

internal sealed record AzDoStatus(int Id, string? State, string? Description, AzDoStatusContext? Context, string? TargetUrl);

internal sealed record AzDoStatusList(List<AzDoStatus> Value);

/// <summary>GET …/diffs/commits (GitCommitDiffs): how far the target version is ahead of / behind the base version.</summary>
internal sealed record AzDoCommitDiffs(int AheadCount, int BehindCount);

internal sealed record AzDoIteration(int Id, AzDoCommitRef? SourceRefCommit);

internal sealed record AzDoIterationList(List<AzDoIteration> Value);

/// <summary>GET _apis/connectionData: who the credential is.</summary>
internal sealed record AzDoConnectionData(AzDoIdentity? AuthenticatedUser);

/// <summary>GET _apis/identities (Identity): <c>properties.Account.$value</c> is the sign-in name (uniqueName).</summary>
internal sealed record AzDoIdentity(string? Id, string? Descriptor, string? ProviderDisplayName, JsonElement? Properties, List<string>? MemberOf)
{
    public bool IsContainer { get; init; }
}

internal sealed record AzDoIdentityList(List<AzDoIdentity> Value);

internal sealed record AzDoAceExtendedInfo(int EffectiveAllow, int EffectiveDeny);

internal sealed record AzDoAce(string? Descriptor, int Allow, int Deny, AzDoAceExtendedInfo? ExtendedInfo);

/// <summary>GET _apis/accesscontrollists/{namespace}?token=…&amp;descriptors=…&amp;includeExtendedInfo=true.</summary>
internal sealed record AzDoAcl(string? Token, Dictionary<string, AzDoAce>? AcesDictionary);

internal sealed record AzDoAclList(List<AzDoAcl> Value);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AzDoError))]
[JsonSerializable(typeof(AzDoPullRequest))]
[JsonSerializable(typeof(AzDoPullRequestList))]
[JsonSerializable(typeof(AzDoRepository))]
[JsonSerializable(typeof(AzDoThread))]
[JsonSerializable(typeof(AzDoThreadList))]
[JsonSerializable(typeof(AzDoNewThread))]
[JsonSerializable(typeof(AzDoCommentPatch))]
[JsonSerializable(typeof(AzDoComment))]
[JsonSerializable(typeof(AzDoStatusRequest))]
[JsonSerializable(typeof(AzDoStatus))]
[JsonSerializable(typeof(AzDoStatusList))]
[JsonSerializable(typeof(AzDoIterationList))]
[JsonSerializable(typeof(AzDoCommitDiffs))]
[JsonSerializable(typeof(AzDoConnectionData))]
[JsonSerializable(typeof(AzDoIdentityList))]
[JsonSerializable(typeof(AzDoAclList))]
internal sealed partial class AzureDevOpsJsonContext : JsonSerializerContext;
