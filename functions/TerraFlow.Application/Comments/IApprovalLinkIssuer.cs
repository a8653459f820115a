namespace TerraFlow.Application.Comments;

/// <summary>Issues the signed approval link shown in the plan comment: bound to one plan's hash, expiring, usable once.</summary>
public interface IApprovalLinkIssuer
{
    string Issue(long runId, string project, string planSha256, DateTimeOffset now);
}

/// <summary>What the comment needs to know about this deployment.</summary>
/// <param name="PublicUrl">TerraFlow's public base URL (links in comments and statuses); null when not configured.</param>
public sealed record CommentOptions(string? PublicUrl);
