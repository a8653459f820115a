namespace TerraFlow.Core.Approvals;

/// <summary>
/// What an approval link stands for: one project of one run, bound to the SHA-256 of the stored plan file, until
/// <paramref name="ExpiresAt"/>. <paramref name="TokenId"/> is random and makes the link single-use.
/// </summary>
public sealed record ApprovalClaims(long RunId, string Project, string PlanSha256, DateTimeOffset ExpiresAt, string TokenId);
