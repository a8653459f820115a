using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Approvals;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// Approval links and approver sign-in, through <see cref="ApprovalEndpoints"/> and <see cref="OAuthSignInCallback"/>.
/// People open these from pull request comments and VCS hosts redirect to the callback, neither with function keys:
/// the signed token in the URL, the approver's sign-in with the VCS host and the anti-forgery token are checked by the
/// handlers, so the functions are anonymous.
/// </summary>
public sealed class ApprovalFunctions
{
    [Function("Approval")]
    public async Task<IActionResult> ApprovalAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "approvals/{token}")] HttpRequest req, string token, CancellationToken ct)
    {
        var http = req.HttpContext;
        var s = http.RequestServices;
        // GET only shows the page (link scanners follow links); POST from the confirmation page approves.
        var result = HttpMethods.IsPost(req.Method)
            ? await ApprovalEndpoints.ApproveAsync(token, http, s.GetRequiredService<ApprovalSigningKeys>(), s.GetRequiredService<OAuthSignIns>(),
                s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<ApprovalLinks>>(), ct)
            : await ApprovalEndpoints.ShowAsync(token, http, s.GetRequiredService<ApprovalSigningKeys>(), s.GetRequiredService<OAuthSignIns>(),
                s.GetRequiredService<TimeProvider>(), ct);
        return new HttpResultAction(result);
    }

    [Function("ApprovalSignIn")]
    public async Task<IActionResult> SignInAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approvals/{token}/sign-in")] HttpRequest req, string token, CancellationToken ct)
    {
        var s = req.HttpContext.RequestServices;
        return new HttpResultAction(await ApprovalEndpoints.StartSignInAsync(token, req.HttpContext, s.GetRequiredService<ApprovalSigningKeys>(),
            s.GetRequiredService<OAuthSignIns>(), s.GetRequiredService<TerraFlowOptions>(), s.GetRequiredService<TimeProvider>(), ct));
    }

    /// <summary>Each host's OAuth application is registered with <c>/api/oauth/{its provider name}/callback</c>.</summary>
    [Function("OAuthCallback")]
    public async Task<IActionResult> CallbackAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oauth/{provider}/callback")] HttpRequest req, string provider, CancellationToken ct)
    {
        var s = req.HttpContext.RequestServices;
        return new HttpResultAction(await OAuthSignInCallback.HandleAsync(provider, req.HttpContext, s.GetRequiredService<ApprovalSigningKeys>(),
            s.GetRequiredService<OAuthSignIns>(), s.GetRequiredService<ISignInStateLedger>(), s.GetRequiredService<TerraFlowOptions>(),
            s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<ApprovalLinks>>(), ct));
    }
}
