using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Adapters.Azure.Entra;
using TerraFlow.Application.Access.ApiTokens;
using TerraFlow.Application.Approvals;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions.Console;
using TerraFlow.Functions.Console.ApiTokens;
using TerraFlow.Functions.Console.Entra;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// Entra ID console sign-in (<see cref="EntraSignInEndpoints"/>) and API tokens (<see cref="ApiTokenEndpoints"/>).
/// Sign-in is anonymous (it is how one signs in; the state, PKCE and id_token checks are the handlers'). Token
/// management is anonymous to the Functions host too, because the console's own check runs first: admin session
/// (<see cref="ConsoleAuthentication"/>), then the anti-forgery token for POST and DELETE, as the standalone routes do.
/// </summary>
public sealed class EntraAndTokenFunctions
{
    [Function("EntraSignIn")]
    public async Task<IActionResult> EntraSignInAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/entra/sign-in")] HttpRequest req, CancellationToken ct)
    {
        var s = req.HttpContext.RequestServices;
        return new HttpResultAction(await EntraSignInEndpoints.StartAsync(req.HttpContext, s.GetRequiredService<EntraOidcClient>(), s.GetRequiredService<ApprovalSigningKeys>(),
            s.GetRequiredService<TerraFlowOptions>(), s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<EntraOidcClient>>(), ct));
    }

    [Function("EntraCallback")]
    public async Task<IActionResult> EntraCallbackAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/entra/callback")] HttpRequest req, CancellationToken ct)
    {
        var s = req.HttpContext.RequestServices;
        return new HttpResultAction(await EntraSignInEndpoints.CallbackAsync(req.HttpContext, s.GetRequiredService<EntraOidcClient>(), s.GetRequiredService<ApprovalSigningKeys>(),
            s.GetRequiredService<ISignInStateLedger>(), s.GetRequiredService<TerraFlowOptions>(), s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<ILogger<EntraOidcClient>>(), ct));
    }

    [Function("ApiTokens")]
    public async Task<IActionResult> TokensAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "tokens")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var s = http.RequestServices;
        if (await ConsoleAuthentication.AuthenticateAsync(http, ConsolePolicies.Admin) is { } refused) return new HttpResultAction(refused);
        if (HttpMethods.IsGet(req.Method))
            return new HttpResultAction(await ApiTokenEndpoints.ListAsync(http, s.GetRequiredService<ApiTokenService>(), s.GetRequiredService<TimeProvider>(), ct));
        if (await ConsoleAntiForgery.CheckAsync(http, ct) is { } forged) return new HttpResultAction(forged);
        return new HttpResultAction(await ApiTokenEndpoints.CreateAsync(http, s.GetRequiredService<ApiTokenService>(), s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<ILogger<ApiTokenRecord>>(), ct));
    }

    [Function("ApiTokenRevoke")]
    public async Task<IActionResult> RevokeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tokens/{id:long}")] HttpRequest req, long id, CancellationToken ct)
    {
        var http = req.HttpContext;
        var s = http.RequestServices;
        if (await ConsoleAuthentication.AuthenticateAsync(http, ConsolePolicies.Admin) is { } refused) return new HttpResultAction(refused);
        if (await ConsoleAntiForgery.CheckAsync(http, ct) is { } forged) return new HttpResultAction(forged);
        return new HttpResultAction(await ApiTokenEndpoints.RevokeAsync(id, http, s.GetRequiredService<ApiTokenService>(), s.GetRequiredService<ILogger<ApiTokenRecord>>(), ct));
    }
}
