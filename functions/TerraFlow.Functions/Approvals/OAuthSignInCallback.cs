using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Approvals;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// <c>GET /api/oauth/{provider}/callback?code=…&amp;state=…</c>: where the VCS host sends the approver back. The state
/// must match the one in this browser's sign-in cookie for that provider; then the code is exchanged for a user
/// token, the login read with it, the token dropped, and the approver's session cookie for that provider set before
/// returning to the approval page. A state completes once: <see cref="ISignInStateLedger"/> records it on the server,
/// so a replayed state cookie (with any code) never creates a second session.
/// </summary>
internal static class OAuthSignInCallback
{
    public static async Task<IResult> HandleAsync(string provider, HttpContext http, ApprovalSigningKeys signingKeys, OAuthSignIns signIns, ISignInStateLedger ledger, TerraFlowOptions options,
        TimeProvider time, ILogger<ApprovalLinks> logger, CancellationToken ct)
    {
        // The route segment is the browser's text: only a registered host's own name is used from here on.
        var oauth = signIns.Find(provider);
        if (oauth is null)
            return ApprovalPages.SignInFailed(StatusCodes.Status404NotFound, "Sign-in with this host is not configured on this TerraFlow.", purpose: null);
        provider = oauth.Provider;
        http.Items[RequestTelemetryTags.RouteItem] = ApproverCookies.CallbackPathFor(provider);
        var keys = await signingKeys.GetAsync(ct);
        var now = time.GetUtcNow();
        var query = http.Request.Query;
        var pending = ApproverCookies.ReadSignInState(http, keys, provider, now);
        ApproverCookies.ClearSignInState(http, options, provider);

        var host = oauth.DisplayName;
        if (!oauth.IsConfigured)
            return ApprovalPages.SignInFailed(StatusCodes.Status404NotFound, $"Sign-in with {host} is not configured on this TerraFlow.", pending?.Purpose);
        if (pending is null)
            return ApprovalPages.SignInFailed(StatusCodes.Status400BadRequest, "This sign-in was not started in this browser, or took too long.", purpose: null);
        // From here the signed state says what the sign-in is for (an approval page or the console), so a failure
        // page names the matching way to start over.
        var purpose = pending.Purpose;
        var returnTo = pending.IsConsole ? pending.ReturnPath : null;
        HtmlPage Failed(int status, string reason) => ApprovalPages.SignInFailed(status, reason, purpose, returnTo);
        if (query["state"].Count != 1 || !pending.Matches(query["state"][0]))
        {
            logger.LogWarning("{Host} sign-in callback refused: state does not match this browser's sign-in", host);
            return Failed(StatusCodes.Status400BadRequest, "The sign-in answer does not belong to the sign-in started in this browser.");
        }
        // Claimed before the code is even looked at: a state that reached this point once never completes again.
        if (!await ledger.TryClaimAsync(pending, now, ct))
        {
            logger.LogWarning("{Host} sign-in callback refused: its state was already used", host);
            return Failed(StatusCodes.Status400BadRequest, "This sign-in was already used.");
        }
        // Signed by us, but checked again: an approval sign-in only ever returns to an approval page, a console sign-in
        // to a local path (never an absolute URL).
        if (pending.IsConsole ? !LocalReturnPath.IsSafe(pending.ReturnPath, "/") : !LocalReturnPath.IsSafe(pending.ReturnPath))
            return Failed(StatusCodes.Status400BadRequest, pending.IsConsole ? "The page to return to is not a page of this TerraFlow." : "The page to return to is not an approval page.");
        if (query["error"].Count > 0)
            return Failed(StatusCodes.Status400BadRequest, $"{host} did not sign you in: " + (query["error_description"].FirstOrDefault() ?? query["error"][0]));
        if (query["code"].Count != 1 || string.IsNullOrEmpty(query["code"][0]) || query["code"][0]!.Length > 512)
            return Failed(StatusCodes.Status400BadRequest, $"{host}'s answer carries no code.");

        var result = await oauth.CompleteSignInAsync(query["code"][0]!, ApproverCookies.CallbackUrl(http, options, provider), ct);
        if (result.Login is null)
        {
            logger.LogWarning("{Host} sign-in failed: {Reason}", host, result.Error);
            return Failed(result.UpstreamFailure ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest, result.Error ?? "Sign-in failed.");
        }

        if (pending.IsConsole) return await Console.ConsoleSignInEndpoints.CompleteAsync(http, provider, result.Login, pending.ReturnPath, ct);
        ApproverCookies.WriteSession(http, options, provider, ApproverSession.Start(result.Login, now, options.Approvals.SessionLifetime), keys);
        logger.LogInformation("Approver {Login} signed in with {Host}", result.Login, host);
        return new SafeRedirect(pending.ReturnPath);
    }
}
