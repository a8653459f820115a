using TerraFlow.Adapters.Azure.Entra;
using TerraFlow.Application.Access;
using TerraFlow.Application.Approvals;
using TerraFlow.Core.Approvals;
using TerraFlow.Functions.Approvals;
using static TerraFlow.Functions.Approvals.HtmlPage;

namespace TerraFlow.Functions.Console.Entra;

/// <summary>
/// Console sign-in with Microsoft Entra ID (OpenID Connect, authorization code + PKCE S256).
/// <c>GET /api/auth/entra/sign-in?return=…</c> sets the signed state cookie and sends the browser to Entra;
/// <c>GET /api/auth/entra/callback?code=…&amp;state=…</c> (the redirect URI registered on the app) checks the state
/// against this browser's cookie, claims it once in the sign-in state ledger (a replayed state never completes),
/// redeems the code with the PKCE verifier and the client credential, validates the id_token (signature, issuer,
/// audience, lifetime, nonce) and starts the console session as <c>entra</c> user &lt;object id&gt; with the token's
/// groups (for <c>entra:group:&lt;id&gt;</c> roles). Both are anonymous: they are how one signs in.
/// </summary>
internal static class EntraSignInEndpoints
{
    public const string StartPath = "/api/auth/entra/sign-in";
    public const string CallbackPath = "/api/auth/entra/callback";

    public static IEndpointRouteBuilder MapEntraSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, StartAsync).AllowConsoleAnonymous("starts a sign-in with Entra ID");
        app.MapGet(CallbackPath, CallbackAsync).AllowConsoleAnonymous("Entra ID's OpenID Connect redirect URI");
        return app;
    }

    internal static async Task<IResult> StartAsync(HttpContext http, EntraOidcClient entra, ApprovalSigningKeys signingKeys, TerraFlowOptions options, TimeProvider time,
        ILogger<EntraOidcClient> logger, CancellationToken ct)
    {
        if (!entra.IsConfigured) return NotConfigured();
        var returnPath = ConsoleReturnPath.Sanitize(http.Request.Query["return"].Count == 1 ? http.Request.Query["return"][0] : null);
        var keys = await signingKeys.GetAsync(ct);
        var state = SignInState.Start(returnPath, time.GetUtcNow(), options.Approvals.SignInTimeout, SignInState.ConsolePurpose);
        var (verifier, nonce) = EntraSignInCookie.SecretsFor(state.State, keys);
        Uri authorize;
        try
        {
            authorize = await entra.AuthorizeUrlAsync(state.State, nonce, verifier, EntraSignInCookie.CallbackUrl(http, options), ct);
        }
        catch (EntraUnavailableException ex)
        {
            logger.LogWarning("Entra sign-in could not start: {Reason}", ex.Message);
            return Failed(StatusCodes.Status502BadGateway, "Entra ID could not be reached. Try again later.");
        }
        EntraSignInCookie.Write(http, options, state, keys);
        return new SafeRedirect(authorize.AbsoluteUri);
    }

    internal static async Task<IResult> CallbackAsync(HttpContext http, EntraOidcClient entra, ApprovalSigningKeys signingKeys, ISignInStateLedger ledger,
        TerraFlowOptions options, TimeProvider time, ILogger<EntraOidcClient> logger, CancellationToken ct)
    {
        var keys = await signingKeys.GetAsync(ct);
        var now = time.GetUtcNow();
        var query = http.Request.Query;
        var pending = EntraSignInCookie.Read(http, keys, now);
        EntraSignInCookie.Clear(http, options);

        if (!entra.IsConfigured) return NotConfigured();
        if (pending is not { IsConsole: true })
            return Failed(StatusCodes.Status400BadRequest, "This sign-in was not started in this browser, or took too long.");
        if (query["state"].Count != 1 || !pending.Matches(query["state"][0]))
        {
            logger.LogWarning("Entra sign-in callback refused: state does not match this browser's sign-in");
            return Failed(StatusCodes.Status400BadRequest, "The sign-in answer does not belong to the sign-in started in this browser.");
        }
        // Claimed before the code is looked at: a state that got this far once never completes again.
        if (!await ledger.TryClaimAsync(pending, now, ct))
        {
            logger.LogWarning("Entra sign-in callback refused: its state was already used");
            return Failed(StatusCodes.Status400BadRequest, "This sign-in was already used. Start again.");
        }
        if (query["error"].Count > 0)
            return Failed(StatusCodes.Status400BadRequest, "Entra ID did not sign you in: " + (query["error_description"].FirstOrDefault() ?? query["error"][0]));
        if (query["code"].Count != 1 || string.IsNullOrEmpty(query["code"][0]) || query["code"][0]!.Length > 4096)
            return Failed(StatusCodes.Status400BadRequest, "Entra ID's answer carries no code.");

        var (verifier, nonce) = EntraSignInCookie.SecretsFor(pending.State, keys);
        var result = await entra.RedeemAsync(query["code"][0]!, verifier, EntraSignInCookie.CallbackUrl(http, options), nonce, ct);
        if (result.Identity is not { } identity)
            return Failed(result.UpstreamFailure ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest, result.Error ?? "Sign-in failed.");
        if (identity.GroupsOverage)
            logger.LogWarning("Entra user {ObjectId} is in too many groups for the id_token; entra:group roles do not apply (configure group filtering on the app registration)", identity.ObjectId);

        var user = new ConsoleUser(EntraConsoleSignInProvider.ProviderName, identity.ObjectId, identity.DisplayName, ConsoleRole.Viewer, identity.Groups);
        return await http.RequestServices.GetRequiredService<ConsoleSessions>().SignInAsync(http, user, pending.ReturnPath, ct);
    }

    private static IResult NotConfigured() => Failed(StatusCodes.Status404NotFound, "Sign-in with Entra ID is not configured on this TerraFlow.");

    private static IResult Failed(int status, string message) =>
        new HtmlPage(status, "Sign-in failed", $"<p>{E(message)}</p><p><a href=\"{ConsoleResponses.SignInPath}\">Back to sign-in</a></p>");
}

/// <summary>Lists "Microsoft Entra ID" on the console's sign-in page when configured.</summary>
internal sealed class EntraConsoleSignInProvider(EntraOidcClient entra) : IConsoleSignInProvider
{
    public const string ProviderName = "entra";

    public string Name => ProviderName;

    public string DisplayName => "Microsoft Entra ID";

    public bool IsConfigured => entra.IsConfigured;

    public string StartPath(string returnPath) => EntraSignInEndpoints.StartPath + "?return=" + Uri.EscapeDataString(returnPath);
}
