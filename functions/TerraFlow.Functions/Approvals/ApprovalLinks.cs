using TerraFlow.Application.Comments;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// Issues and checks approval links. A link is <c>{PublicUrl}/api/approvals/{token}</c> (just the path when no
/// public URL is configured); the token is an <see cref="ApprovalToken"/> naming the run, the project and the SHA-256
/// of the stored plan file, valid for <see cref="ApprovalsOptions.LinkLifetime"/>.
/// </summary>
internal sealed class ApprovalLinks(ApprovalSigningKeys keys, TerraFlowOptions options) : IApprovalLinkIssuer
{
    public const string RoutePrefix = "/api/approvals/";

    public TimeSpan Lifetime => options.Approvals.LinkLifetime;

    /// <summary>A fresh link (new random token id) for one project's plan. Needs the host started (keys loaded).</summary>
    public string Issue(long runId, string project, string planSha256, DateTimeOffset now) =>
        UrlFor(ApprovalToken.Sign(new ApprovalClaims(runId, project, planSha256.ToLowerInvariant(), now + Lifetime, ApprovalToken.NewTokenId()), keys.Current.LinkKey));

    /// <summary>Like <see cref="Issue"/>, loading the signing key first if needed.</summary>
    public async ValueTask<string> IssueAsync(long runId, string project, string planSha256, DateTimeOffset now, CancellationToken ct)
    {
        await keys.GetAsync(ct);
        return Issue(runId, project, planSha256, now);
    }

    /// <summary>Checks a token taken from a link: valid, malformed, bad signature or expired (claims set only when valid or expired).</summary>
    public ApprovalTokenCheck Verify(string? token, DateTimeOffset now) => ApprovalToken.Verify(token, keys.Current.LinkKey, now);

    public static string PathFor(string token) => RoutePrefix + token;

    private string UrlFor(string token) =>
        string.IsNullOrWhiteSpace(options.PublicUrl) ? PathFor(token) : options.PublicUrl.TrimEnd('/') + PathFor(token);
}
