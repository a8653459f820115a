using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using TerraFlow.Core.Approvals;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Functions.Console.Entra;

/// <summary>
/// The pending Entra sign-in of this browser: the signed <see cref="SignInState"/> (state, return path, expiry) in
/// an HttpOnly, SameSite=Lax cookie scoped to the callback path. The PKCE code verifier and the OIDC nonce are not
/// stored anywhere: both are HMACs of the state under a key only TerraFlow has, so the cookie reveals neither and the
/// callback recomputes them (a verifier or nonce cannot be chosen by whoever holds the cookie).
/// </summary>
internal static class EntraSignInCookie
{
    public const string Name = "terraflow_entra_signin";

    public static SignInState? Read(HttpContext http, ApprovalKeyRing keys, DateTimeOffset now) =>
        SignInState.Open(http.Request.Cookies[Name], StateKey(keys), now);

    public static void Write(HttpContext http, TerraFlowOptions options, SignInState state, ApprovalKeyRing keys) =>
        http.Response.Cookies.Append(Name, state.Seal(StateKey(keys)), Options(http, options, state.ExpiresAt));

    /// <summary>Single use: cleared at every callback, whatever its outcome.</summary>
    public static void Clear(HttpContext http, TerraFlowOptions options) => http.Response.Cookies.Delete(Name, Options(http, options, null));

    /// <summary>The PKCE code verifier (43 base64url characters, RFC 7636's minimum length of 256 bits) and the nonce of a sign-in.</summary>
    public static (string CodeVerifier, string Nonce) SecretsFor(string state, ApprovalKeyRing keys)
    {
        var key = HMACSHA256.HashData(keys.SignInStateKey, "terraflow/entra/pkce-nonce"u8);
        return (Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("pkce\n" + state))),
                Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("nonce\n" + state))));
    }

    /// <summary>The redirect URI registered on the Entra app: under the public URL when configured, else this request's origin.</summary>
    public static string CallbackUrl(HttpContext http, TerraFlowOptions options) =>
        (string.IsNullOrWhiteSpace(options.PublicUrl) ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}" : options.PublicUrl.TrimEnd('/'))
        + EntraSignInEndpoints.CallbackPath;

    // Its own key, so a VCS host's state cookie can never be presented as an Entra one.
    private static byte[] StateKey(ApprovalKeyRing keys) => HMACSHA256.HashData(keys.SignInStateKey, "terraflow/provider/entra"u8);

    private static CookieOptions Options(HttpContext http, TerraFlowOptions options, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps || (options.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false),
        Path = EntraSignInEndpoints.CallbackPath,
        Expires = expires,
        IsEssential = true,
    };
}
