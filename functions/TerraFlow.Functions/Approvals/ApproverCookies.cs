using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// The two cookies of the approval flow, both HttpOnly (no script can read them) and SameSite=Lax (a cross-site
/// POST does not carry them; the top-level GET back from GitHub does): the approver's signed session, scoped to the
/// approval pages, and the short-lived OAuth state, scoped to the callback. Secure whenever TerraFlow is on https.
/// </summary>
internal static class ApproverCookies
{
    public const string SessionName = "terraflow_approver";
    public const string SignInStateName = "terraflow_signin";
    public const string CallbackPath = "/api/oauth/github/callback";

    public static ApproverSession? ReadSession(HttpContext http, ApprovalKeyRing keys, DateTimeOffset now) =>
        ApproverSession.Open(http.Request.Cookies[SessionName], keys.SessionKey, now);

    public static void WriteSession(HttpContext http, TerraFlowOptions options, ApproverSession session, ApprovalKeyRing keys) =>
        http.Response.Cookies.Append(SessionName, session.Seal(keys.SessionKey), Options(http, options, "/api/approvals", session.ExpiresAt));

    public static SignInState? ReadSignInState(HttpContext http, ApprovalKeyRing keys, DateTimeOffset now) =>
        SignInState.Open(http.Request.Cookies[SignInStateName], keys.SignInStateKey, now);

    public static void WriteSignInState(HttpContext http, TerraFlowOptions options, SignInState state, ApprovalKeyRing keys) =>
        http.Response.Cookies.Append(SignInStateName, state.Seal(keys.SignInStateKey), Options(http, options, CallbackPath, state.ExpiresAt));

    /// <summary>The state is single-use: cleared on every callback, successful or not.</summary>
    public static void ClearSignInState(HttpContext http, TerraFlowOptions options) =>
        http.Response.Cookies.Delete(SignInStateName, Options(http, options, CallbackPath, null));

    /// <summary>Where GitHub sends the browser back: under the public URL when configured, else this request's origin.</summary>
    public static string CallbackUrl(HttpContext http, TerraFlowOptions options) => PublicRoot(http, options) + CallbackPath;

    private static string PublicRoot(HttpContext http, TerraFlowOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicUrl)
            ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}"
            : options.PublicUrl.TrimEnd('/');

    private static CookieOptions Options(HttpContext http, TerraFlowOptions options, string path, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps || (options.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false),
        Path = path,
        Expires = expires,
        IsEssential = true,
    };
}
