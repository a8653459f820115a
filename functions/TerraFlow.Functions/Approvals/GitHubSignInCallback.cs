using TerraFlow.Adapters.GitHub.OAuth;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// <c>GET /api/oauth/github/callback?code=…&amp;state=…</c>: where GitHub sends the approver back. The state must match
/// the one in this browser's sign-in cookie; then the code is exchanged for a user token, the login read with it,
/// the token dropped, and the approver's session cookie set before returning to the approval page.
/// </summary>
internal static class GitHubSignInCallback
{
    public static async Task<IResult> HandleAsync(HttpContext http, ApprovalSigningKeys signingKeys, GitHubOAuthClient oauth, TerraFlowOptions options,
        TimeProvider time, ILogger<ApprovalLinks> logger, CancellationToken ct)
    {
        var keys = await signingKeys.GetAsync(ct);
        var now = time.GetUtcNow();
        var query = http.Request.Query;
        var pending = ApproverCookies.ReadSignInState(http, keys, now);
        ApproverCookies.ClearSignInState(http, options);

        if (!oauth.IsConfigured)
            return ApprovalPages.SignInFailed(StatusCodes.Status404NotFound, "Sign-in with GitHub is not configured on this TerraFlow.");
        if (pending is null)
            return ApprovalPages.SignInFailed(StatusCodes.Status400BadRequest, "This sign-in was not started in this browser, or took too long.");
        if (query["state"].Count != 1 || !pending.Matches(query["state"][0]))
        {
            logger.LogWarning("GitHub sign-in callback refused: state does not match this browser's sign-in");
            return ApprovalPages.SignInFailed(StatusCodes.Status400BadRequest, "The sign-in answer does not belong to the sign-in started in this browser.");
        }
        // Signed by us, but checked again: whatever happens, the browser only ever goes to an approval page here.
        if (!LocalReturnPath.IsSafe(pending.ReturnPath))
            return ApprovalPages.SignInFailed(StatusCodes.Status400BadRequest, "The page to return to is not an approval page.");
        if (query["error"].Count > 0)
            return ApprovalPages.SignInFailed(StatusCodes.Status400BadRequest, "GitHub did not sign you in: " + (query["error_description"].FirstOrDefault() ?? query["error"][0]));
        if (query["code"].Count != 1 || string.IsNullOrEmpty(query["code"][0]) || query["code"][0]!.Length > 512)
            return ApprovalPages.SignInFailed(StatusCodes.Status400BadRequest, "GitHub's answer carries no code.");

        var result = await oauth.CompleteSignInAsync(query["code"][0]!, ApproverCookies.CallbackUrl(http, options), ct);
        if (result.Login is null)
        {
            logger.LogWarning("GitHub sign-in failed: {Reason}", result.Error);
            return ApprovalPages.SignInFailed(result.UpstreamFailure ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest, result.Error ?? "Sign-in failed.");
        }

        ApproverCookies.WriteSession(http, options, ApproverSession.Start(result.Login, now, options.Approvals.SessionLifetime), keys);
        logger.LogInformation("Approver {Login} signed in with GitHub", result.Login);
        return new SafeRedirect(pending.ReturnPath);
    }
}
