using System.Text;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Access;
using TerraFlow.Core.Approvals;
using TerraFlow.Functions.Approvals;
using static TerraFlow.Functions.Approvals.HtmlPage;

namespace TerraFlow.Functions.Console;

/// <summary>
/// Console sign-in and sign-out. <c>GET /sign-in?return=…</c> lists the configured ways to sign in;
/// <c>GET /sign-in/{provider}?return=…</c> starts the OAuth web flow with a VCS host (the same OAuth application,
/// state cookie, one-time state ledger and callback <c>/api/oauth/{provider}/callback</c> as approval sign-in; the
/// signed state says it is a console sign-in and carries the sanitized local return path);
/// <c>POST /sign-out</c> (anti-forgery token) ends the session.
/// </summary>
internal static class ConsoleSignInEndpoints
{
    public const string SignOutPath = "/sign-out";

    public static IEndpointRouteBuilder MapConsoleSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(ConsoleResponses.SignInPath, SignInPage).AllowConsoleAnonymous("the sign-in page");
        app.MapGet(ConsoleResponses.SignInPath + "/{provider}", StartAsync).AllowConsoleAnonymous("starts a sign-in with a VCS host");
        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization(ConsolePolicies.SignedIn).RequireConsoleAntiForgery();
        return app;
    }

    internal static IResult SignInPage(HttpContext http, OAuthSignIns vcs, IEnumerable<IConsoleSignInProvider> others)
    {
        var returnPath = ConsoleReturnPath.Sanitize(http.Request.Query["return"].Count == 1 ? http.Request.Query["return"][0] : null);
        var links = vcs.All.Where(s => s.IsConfigured)
            .Select(s => (s.DisplayName, Path: $"{ConsoleResponses.SignInPath}/{Uri.EscapeDataString(s.Provider.ToLowerInvariant())}?return={Uri.EscapeDataString(returnPath)}"))
            .Concat(others.Where(o => o.IsConfigured).Select(o => (o.DisplayName, Path: o.StartPath(returnPath))))
            .ToList();
        var body = new StringBuilder();
        if (ConsoleClaims.FromPrincipal(http.User) is { } user)
            body.Append($"<p>Signed in as <strong>{E(user.DisplayName)}</strong> ({E(user.IdentityProvider)}).</p>")
                .Append($"<form method=\"post\" action=\"{SignOutPath}\">{ConsoleAntiForgery.HiddenField(http)}<button type=\"submit\">Sign out</button></form>");
        if (links.Count == 0)
            body.Append("<p>No sign-in is configured on this TerraFlow. An operator sets <code>TerraFlow__GitHub__ClientId</code>, " +
                        "<code>TerraFlow__GitLab__ClientId</code> or <code>TerraFlow__Auth__Entra__ClientId</code> (see the README).</p>");
        else
            body.Append("<ul class=\"sign-in\">").AppendJoin("", links.Select(l => $"<li><a class=\"button\" href=\"{E(l.Path)}\">Sign in with {E(l.DisplayName)}</a></li>")).Append("</ul>");
        return new HtmlPage(StatusCodes.Status200OK, "Sign in to TerraFlow", body.ToString());
    }

    internal static IResult StartAsync(string provider, HttpContext http, ApprovalSigningKeys signingKeys, OAuthSignIns signIns, TerraFlowOptions options, TimeProvider time)
    {
        var oauth = signIns.Find(provider);
        if (oauth is not { IsConfigured: true })
            return new HtmlPage(StatusCodes.Status404NotFound, "Sign-in failed", "<p>Sign-in with this host is not configured on this TerraFlow.</p>" + BackToSignIn);
        var returnPath = ConsoleReturnPath.Sanitize(http.Request.Query["return"].Count == 1 ? http.Request.Query["return"][0] : null);
        var state = SignInState.Start(returnPath, time.GetUtcNow(), options.Approvals.SignInTimeout, SignInState.ConsolePurpose);
        ApproverCookies.WriteSignInState(http, options, oauth.Provider, state, signingKeys.Current);
        return new SafeRedirect(oauth.AuthorizeUrl(state.State, ApproverCookies.CallbackUrl(http, options, oauth.Provider)).AbsoluteUri);
    }

    internal static async Task<IResult> SignOutAsync(HttpContext http, ConsoleSessions sessions, CancellationToken ct)
    {
        await sessions.SignOutAsync(http, ct);
        return new SafeRedirect(ConsoleResponses.SignInPath);
    }

    /// <summary>The console half of <see cref="OAuthSignInCallback"/>: the VCS host vouched for <paramref name="login"/>.</summary>
    internal static async Task<IResult> CompleteAsync(HttpContext http, string provider, string login, string returnPath, CancellationToken ct)
    {
        if (http.RequestServices.GetService<ConsoleSessions>() is not { } sessions || http.RequestServices.GetService<ConsoleGroupResolver>() is not { } groups)
            return new HtmlPage(StatusCodes.Status404NotFound, "Sign-in failed", "<p>The console is not available on this TerraFlow host.</p>");
        var user = new ConsoleUser(provider, login, login, ConsoleRole.Viewer, await groups.GroupsOfAsync(provider, login, ct));
        return await sessions.SignInAsync(http, user, returnPath, ct);
    }

    private const string BackToSignIn = "<p><a href=\"" + ConsoleResponses.SignInPath + "\">Back to sign-in</a></p>";
}
