using System.Security.Cryptography;
using System.Text;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// The two cookies of the approval flow, both HttpOnly (no script can read them) and SameSite=Lax (a cross-site
/// POST does not carry them; the top-level GET back from the VCS host does): the approver's signed session, scoped
/// to the approval pages, and the short-lived OAuth state, scoped to the provider's callback. Secure whenever
/// TerraFlow is on https.
/// <para>
/// Both are per provider: a login is only meaningful on the host that vouched for it (GitLab's "alice" is not
/// GitHub's "alice"), so each provider has its own session cookie and its own signing keys, and a session signed for
/// one provider is never accepted for a run of another. The host of the time before providers
/// (<see cref="StoredProvider.BeforeProvidersWereStored"/>) keeps the original names and keys, so its sessions stay valid.
/// </para>
/// </summary>
internal static class ApproverCookies
{
    public const string SessionName = "terraflow_approver";
    public const string SignInStateName = "terraflow_signin";

    /// <summary>Where each host sends the approver back: <c>/api/oauth/github/callback</c>, <c>/api/oauth/gitlab/callback</c>, ….</summary>
    public const string CallbackRoute = "/api/oauth/{provider}/callback";

    public static string CallbackPathFor(string provider) => "/api/oauth/" + Uri.EscapeDataString(provider.ToLowerInvariant()) + "/callback";

    public static string SessionNameFor(string provider) => IsOriginal(provider) ? SessionName : SessionName + "_" + provider.ToLowerInvariant();

    public static ApproverSession? ReadSession(HttpContext http, ApprovalKeyRing keys, string provider, DateTimeOffset now) =>
        ApproverSession.Open(http.Request.Cookies[SessionNameFor(provider)], SessionKey(keys, provider), now);

    public static void WriteSession(HttpContext http, TerraFlowOptions options, string provider, ApproverSession session, ApprovalKeyRing keys) =>
        http.Response.Cookies.Append(SessionNameFor(provider), session.Seal(SessionKey(keys, provider)), Options(http, options, "/api/approvals", session.ExpiresAt));

    public static SignInState? ReadSignInState(HttpContext http, ApprovalKeyRing keys, string provider, DateTimeOffset now) =>
        SignInState.Open(http.Request.Cookies[SignInStateName], SignInStateKey(keys, provider), now);

    public static void WriteSignInState(HttpContext http, TerraFlowOptions options, string provider, SignInState state, ApprovalKeyRing keys) =>
        http.Response.Cookies.Append(SignInStateName, state.Seal(SignInStateKey(keys, provider)), Options(http, options, CallbackPathFor(provider), state.ExpiresAt));

    /// <summary>The state is single-use: cleared on every callback, successful or not.</summary>
    public static void ClearSignInState(HttpContext http, TerraFlowOptions options, string provider) =>
        http.Response.Cookies.Delete(SignInStateName, Options(http, options, CallbackPathFor(provider), null));

    /// <summary>Where the host sends the browser back: under the public URL when configured, else this request's origin.</summary>
    public static string CallbackUrl(HttpContext http, TerraFlowOptions options, string provider) => PublicRoot(http, options) + CallbackPathFor(provider);

    private static bool IsOriginal(string provider) => string.Equals(provider, StoredProvider.BeforeProvidersWereStored, StringComparison.OrdinalIgnoreCase);

    private static byte[] SessionKey(ApprovalKeyRing keys, string provider) => ForProvider(keys.SessionKey, provider);

    private static byte[] SignInStateKey(ApprovalKeyRing keys, string provider) => ForProvider(keys.SignInStateKey, provider);

    /// <summary>The purpose key itself for GitHub (sessions from before providers stay valid); a derived key for others.</summary>
    private static byte[] ForProvider(byte[] purposeKey, string provider) =>
        IsOriginal(provider) ? purposeKey : HMACSHA256.HashData(purposeKey, Encoding.UTF8.GetBytes("terraflow/provider/" + provider.ToLowerInvariant()));

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
