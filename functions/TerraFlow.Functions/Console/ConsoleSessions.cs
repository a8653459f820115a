using System.Security.Claims;
using TerraFlow.Application.Access;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Functions.Console;

/// <summary>
/// Starts, reads and ends console sessions: one cookie (<see cref="CookieName"/>), signed, HttpOnly, SameSite=Lax,
/// Secure when TerraFlow is served over https, path "/", expiring after <c>TerraFlow__Auth__SessionHours</c>; and a
/// row per session in PostgreSQL so sign-out ends it for every copy of the cookie. Every sign-in (GitHub, GitLab,
/// Entra ID) ends in <see cref="SignInAsync"/>.
/// </summary>
public sealed class ConsoleSessions
{
    public const string CookieName = "terraflow_session";

    /// <summary>The claim carrying the session id, which anti-forgery tokens are bound to (browser sessions only).</summary>
    public const string SessionIdClaim = "terraflow:sid";

    private readonly ApprovalSigningKeys _keys;
    private readonly IConsoleSessionStore _store;
    private readonly ConsoleAccessSettings _settings;
    private readonly TimeSpan _lifetime;
    private readonly TerraFlowOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsoleSessions> _logger;

    internal ConsoleSessions(ApprovalSigningKeys keys, IConsoleSessionStore store, ConsoleAccessSettings settings, ConsoleAuthOptions auth,
        TerraFlowOptions options, TimeProvider time, ILogger<ConsoleSessions> logger)
    {
        _keys = keys;
        _store = store;
        _settings = settings;
        _lifetime = auth.SessionLifetime;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Starts a session for <paramref name="user"/> (whose identity provider has just vouched for them) and answers with
    /// a redirect to <paramref name="returnPath"/> when it is a safe local path, else to "/". Only the groups some role
    /// list names are kept (so the cookie stays small); the role is worked out from the lists at every request.
    /// </summary>
    public async Task<IResult> SignInAsync(HttpContext http, ConsoleUser user, string? returnPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (cookie, expiresAt) = await StartAsync(user, ct);
        http.Response.Cookies.Append(CookieName, cookie, CookieOptions(http, expiresAt));
        _logger.LogInformation("Console sign-in: {Provider} user {Login}", user.IdentityProvider, user.Login);
        return new SafeRedirect(ConsoleReturnPath.Sanitize(returnPath));
    }

    /// <summary>Records a new session for <paramref name="user"/> and returns its sealed cookie value (tests and tools use it directly).</summary>
    internal async Task<(string Cookie, DateTimeOffset ExpiresAt)> StartAsync(ConsoleUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrWhiteSpace(user.IdentityProvider) || string.IsNullOrWhiteSpace(user.Login))
            throw new ArgumentException("A console user needs an identity provider and a login.", nameof(user));
        var named = _settings.GroupsNamedFor(user.IdentityProvider);
        var kept = user with
        {
            Role = ConsoleRole.Viewer,
            TokenScope = null,
            DisplayName = string.IsNullOrWhiteSpace(user.DisplayName) ? user.Login : user.DisplayName,
            Groups = user.Groups.Where(g => named.Contains(g, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
        var keys = await _keys.GetAsync(ct);
        var now = _time.GetUtcNow();
        var ticket = ConsoleSessionTicket.Start(kept, now, _lifetime);
        var sealedTicket = ticket.Seal(keys.ConsoleSessionKey);
        await _store.StartAsync(ticket.SessionId, kept, now, ticket.ExpiresAt, ct);
        return (sealedTicket, ticket.ExpiresAt);
    }

    /// <summary>Ends the session of this request (on the server and in the browser). Harmless without one.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken ct)
    {
        var keys = await _keys.GetAsync(ct);
        var ticket = ConsoleSessionTicket.Open(http.Request.Cookies[CookieName], keys.ConsoleSessionKey, _time.GetUtcNow());
        if (ticket is not null)
        {
            await _store.EndAsync(ticket.SessionId, _time.GetUtcNow(), ct);
            _logger.LogInformation("Console sign-out: {Provider} user {Login}", ticket.User.IdentityProvider, ticket.User.Login);
        }
        http.Response.Cookies.Delete(CookieName, CookieOptions(http, null));
    }

    /// <summary>The principal of this request's session cookie, or null (no cookie, forged, expired, signed out).</summary>
    internal async Task<ClaimsPrincipal?> AuthenticateAsync(HttpContext http, string scheme, CancellationToken ct)
    {
        var cookie = http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(cookie)) return null;
        var keys = await _keys.GetAsync(ct);
        var now = _time.GetUtcNow();
        var ticket = ConsoleSessionTicket.Open(cookie, keys.ConsoleSessionKey, now);
        if (ticket is null || !await _store.IsActiveAsync(ticket.SessionId, now, ct)) return null;
        var user = ticket.User with { Role = _settings.RoleOf(ticket.User) };
        var principal = ConsoleClaims.ToPrincipal(user, scheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionIdClaim, ticket.SessionId));
        return principal;
    }

    private CookieOptions CookieOptions(HttpContext http, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps || (_options.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false),
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
