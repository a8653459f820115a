using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// Console sign-in and sign-out through <see cref="ConsoleSignInEndpoints"/>. The worker has no authorization
/// middleware, so sign-out runs <see cref="ConsoleAuthentication.AuthenticateAsync"/> and the anti-forgery check itself,
/// as the standalone route's policy and filter do. The sign-in pages are anonymous by nature.
/// </summary>
public sealed class ConsoleSignInFunctions
{
    [Function("ConsoleSignIn")]
    public async Task<IActionResult> SignInPageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sign-in")] HttpRequest req)
    {
        var http = req.HttpContext;
        // Only to greet a signed-in user and offer sign-out; the page itself needs no session.
        var auth = await http.AuthenticateAsync(ConsoleAuthSchemes.Default);
        if (auth.Succeeded) http.User = auth.Principal;
        var s = http.RequestServices;
        return new HttpResultAction(ConsoleSignInEndpoints.SignInPage(http, s.GetRequiredService<OAuthSignIns>(), s.GetServices<IConsoleSignInProvider>()));
    }

    [Function("ConsoleSignInStart")]
    public IActionResult Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sign-in/{provider}")] HttpRequest req, string provider)
    {
        var s = req.HttpContext.RequestServices;
        return new HttpResultAction(ConsoleSignInEndpoints.StartAsync(provider, req.HttpContext, s.GetRequiredService<ApprovalSigningKeys>(),
            s.GetRequiredService<OAuthSignIns>(), s.GetRequiredService<TerraFlowOptions>(), s.GetRequiredService<TimeProvider>()));
    }

    [Function("ConsoleSignOut")]
    public async Task<IActionResult> SignOutAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sign-out")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var refused = await ConsoleAuthentication.AuthenticateAsync(http, ConsolePolicies.SignedIn)
                      ?? await ConsoleAntiForgery.CheckAsync(http, ct);
        return new HttpResultAction(refused ?? await ConsoleSignInEndpoints.SignOutAsync(http, http.RequestServices.GetRequiredService<ConsoleSessions>(), ct));
    }
}
