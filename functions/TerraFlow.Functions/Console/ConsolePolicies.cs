namespace TerraFlow.Functions.Console;

/// <summary>
/// The authorization policies every console page and <c>/api/*</c> endpoint names (<c>RequireAuthorization(...)</c>).
/// The sign-in work registers them; endpoints only name them. Per-repository checks (read, operate) are not policies:
/// handlers ask <see cref="TerraFlow.Application.Access.IRepositoryAccess"/> for the repository at hand.
/// </summary>
public static class ConsolePolicies
{
    /// <summary>Any signed-in user or API token (read scope is enough). Anonymous: 401 for /api, sign-in redirect for pages.</summary>
    public const string SignedIn = "terraflow.signed-in";

    /// <summary>A browser session or an API token with the <c>operate</c> scope (repository permission checked separately).</summary>
    public const string Operate = "terraflow.operate";

    /// <summary>Admins only (API tokens, settings).</summary>
    public const string Admin = "terraflow.admin";

    /// <summary>Endpoint metadata marking a route deliberately anonymous (health, webhooks, OAuth callbacks, sign-in pages).</summary>
    public const string AnonymousReason = "terraflow.anonymous";
}
