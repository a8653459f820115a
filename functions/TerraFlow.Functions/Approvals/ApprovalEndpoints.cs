using TerraFlow.Application.Approvals;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// The approval link. <c>GET /api/approvals/{token}</c> only shows what would be approved (link scanners and chat
/// previews follow links, so a GET must never approve); <c>POST</c> from the confirmation page approves, with a
/// signed-in approver and an anti-forgery token. <c>GET /api/approvals/{token}/sign-in</c> starts sign-in with the
/// run's VCS host (the approver must be a person of that host). Bad input always gets a 4xx page and changes nothing.
/// </summary>
internal static class ApprovalEndpoints
{
    public const string AntiForgeryField = "terraflow_antiforgery";

    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/approvals/{token}", ShowAsync);
        app.MapPost("/api/approvals/{token}", ApproveAsync);
        app.MapGet("/api/approvals/{token}/sign-in", StartSignInAsync);
        // One callback route per registered host (each is registered with that host's OAuth application as
        // /api/oauth/github/callback, /api/oauth/gitlab/callback, …); an unknown or unconfigured host answers 404.
        app.MapGet(ApproverCookies.CallbackRoute, OAuthSignInCallback.HandleAsync);
        return app;
    }

    // The handlers below are called by the standalone routes above and by the isolated worker's functions (Worker/ApprovalFunctions).
    internal static async Task<IResult> ShowAsync(string token, HttpContext http, ApprovalSigningKeys signingKeys, OAuthSignIns signIns, TimeProvider time, CancellationToken ct)
    {
        var keys = await signingKeys.GetAsync(ct);
        var now = time.GetUtcNow();
        var check = ApprovalToken.Verify(token, keys.LinkKey, now);
        if (!check.IsValid) return ApprovalPages.InvalidToken(check);
        if (http.RequestServices.GetService<IApprovalRecorder>() is not { } recorder) return ApprovalPages.NotAvailable();

        var preview = await recorder.PreviewAsync(check.Claims!, ct);
        if (preview is null) return ApprovalPages.RunNotFound();
        if (preview.Problem is not null) return ApprovalPages.Problem(preview);
        var oauth = signIns.Find(preview.Provider);
        if (oauth is not { IsConfigured: true }) return ApprovalPages.SignInNotConfigured(preview, oauth);

        var session = ApproverCookies.ReadSession(http, keys, preview.Provider, now);
        if (session is null) return ApprovalPages.SignInRequired(preview, SignInPath(token), oauth.DisplayName);
        var antiForgery = AntiForgeryToken.Compute(session.SessionId, check.Claims!.TokenId, keys.AntiForgeryKey);
        return ApprovalPages.Confirm(preview, session.Login, oauth.DisplayName, ApprovalLinks.PathFor(token), antiForgery);
    }

    internal static async Task<IResult> ApproveAsync(string token, HttpContext http, ApprovalSigningKeys signingKeys, OAuthSignIns signIns, TimeProvider time, ILogger<ApprovalLinks> logger, CancellationToken ct)
    {
        var keys = await signingKeys.GetAsync(ct);
        var now = time.GetUtcNow();
        var check = ApprovalToken.Verify(token, keys.LinkKey, now);
        if (!check.IsValid) return ApprovalPages.InvalidToken(check);
        var claims = check.Claims!;

        // The run decides which host's session counts, so it is looked up before the session is read.
        if (http.RequestServices.GetService<IApprovalRecorder>() is not { } recorder) return ApprovalPages.NotAvailable();
        var preview = await recorder.PreviewAsync(claims, ct);
        if (preview is null) return ApprovalPages.RunNotFound();
        var hostName = signIns.Find(preview.Provider)?.DisplayName ?? preview.Provider;

        var session = ApproverCookies.ReadSession(http, keys, preview.Provider, now);
        if (session is null) return ApprovalPages.NotSignedIn(SignInPath(token), hostName);

        string? submitted = null;
        if (http.Request.HasFormContentType)
        {
            try
            {
                var form = await http.Request.ReadFormAsync(ct);
                submitted = form[AntiForgeryField].Count == 1 ? form[AntiForgeryField][0] : null;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                return ApprovalPages.BadForm();
            }
        }
        if (!AntiForgeryToken.IsValid(submitted, session.SessionId, claims.TokenId, keys.AntiForgeryKey))
        {
            logger.LogWarning("Approval POST for run {RunId} project {Project} by {Login} refused: missing or wrong anti-forgery token", claims.RunId, claims.Project, session.Login);
            return ApprovalPages.Forged();
        }

        var result = await recorder.RecordAsync(claims, session.Login, ct);
        logger.LogInformation("Approval link for run {RunId} project {Project} by {Provider} user {Login}: {Status} {Approved}",
            claims.RunId, claims.Project, preview.Provider, session.Login, result.StatusCode, result.Approved);
        return ApprovalPages.Recorded(result);
    }

    internal static async Task<IResult> StartSignInAsync(string token, HttpContext http, ApprovalSigningKeys signingKeys, OAuthSignIns signIns, TerraFlowOptions options, TimeProvider time, CancellationToken ct)
    {
        var keys = await signingKeys.GetAsync(ct);
        var now = time.GetUtcNow();
        // Only a link TerraFlow issued can start a sign-in, so the return path below is never attacker-chosen.
        var check = ApprovalToken.Verify(token, keys.LinkKey, now);
        if (!check.IsValid) return ApprovalPages.InvalidToken(check);
        if (http.RequestServices.GetService<IApprovalRecorder>() is not { } recorder) return ApprovalPages.NotAvailable();
        var preview = await recorder.PreviewAsync(check.Claims!, ct);
        if (preview is null) return ApprovalPages.RunNotFound();
        var oauth = signIns.Find(preview.Provider);
        if (oauth is not { IsConfigured: true }) return ApprovalPages.SignInNotConfigured(null, oauth);

        var returnPath = ApprovalLinks.PathFor(token);
        if (!LocalReturnPath.IsSafe(returnPath)) return ApprovalPages.InvalidToken(new ApprovalTokenCheck(SignedValueStatus.Malformed, null));
        var state = SignInState.Start(returnPath, now, options.Approvals.SignInTimeout);
        ApproverCookies.WriteSignInState(http, options, oauth.Provider, state, keys);
        return new SafeRedirect(oauth.AuthorizeUrl(state.State, ApproverCookies.CallbackUrl(http, options, oauth.Provider)).AbsoluteUri);
    }

    private static string SignInPath(string token) => ApprovalLinks.PathFor(token) + "/sign-in";
}
