using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TerraFlow.Testing.FakeEntra;

/// <summary>
/// A local stand-in for Microsoft Entra ID's v2.0 OpenID Connect endpoints of one tenant, over real HTTP on
/// 127.0.0.1, laid out as on <c>login.microsoftonline.com</c> (so TerraFlow's <c>Instance</c> setting is all that
/// changes): <c>/{tenant}/v2.0/.well-known/openid-configuration</c>, <c>/{tenant}/discovery/v2.0/keys</c> (JWKS, one
/// RSA key; <see cref="RotateKey"/> replaces it), <c>/{tenant}/oauth2/v2.0/authorize</c> (remembers redirect_uri,
/// nonce and the S256 code challenge; consents for <see cref="FakeEntraOptions.SignedInUser"/>) and
/// <c>/{tenant}/oauth2/v2.0/token</c> (a code once, only with the right client secret or client assertion, redirect
/// URI and code_verifier; answers an RS256 id_token). Signing is done here with System.Security.Cryptography, not
/// with the library TerraFlow validates with. Errors use Entra's shapes (<c>invalid_grant</c> with AADSTS codes).
/// </summary>
public sealed class FakeEntraServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentQueue<FakeEntraRequest> _requests = new();
    private readonly RSA _foreignKey = RSA.Create(2048);
    private readonly RSA _managedIdentityKey = RSA.Create(2048);
    private (RSA Key, string Kid) _signing = NewKey();

    private FakeEntraServer(WebApplication app, FakeEntraOptions options, string rootUrl)
    {
        _app = app;
        Options = options;
        Instance = rootUrl + "/";
    }

    public FakeEntraOptions Options { get; }

    /// <summary>Where to point <c>TerraFlow:Auth:Entra:Instance</c>.</summary>
    public string Instance { get; }

    public string Issuer => Instance + Options.TenantId + "/v2.0";

    /// <summary>Every request received, in order, with its form body parsed.</summary>
    public IReadOnlyList<FakeEntraRequest> Requests => _requests.ToArray();

    /// <summary>The kid the JWKS publishes now.</summary>
    public string CurrentKid => _signing.Kid;

    public static async Task<FakeEntraServer> StartAsync(FakeEntraOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeEntraOptions();
        FakeEntraServer? server = null;
        var (app, address) = await LoopbackApp.StartAsync(http => server!.HandleAsync(http), ct);
        server = new FakeEntraServer(app, options, address);
        return server;
    }

    /// <summary>Entra rolls its signing key: the JWKS publishes only a new key (new kid), and new tokens are signed with it.</summary>
    public void RotateKey()
    {
        var old = _signing.Key;
        _signing = NewKey();
        old.Dispose();
    }

    /// <summary>
    /// A managed identity token for <c>api://AzureADTokenExchange</c>, as the Azure instance metadata service would
    /// issue one to the identity <paramref name="subject"/>: what a federated credential sends as client assertion.
    /// </summary>
    public string IssueManagedIdentityToken(string subject, TimeSpan? lifetime = null)
    {
        var now = Options.Time.GetUtcNow();
        return Sign(_managedIdentityKey, "mi-key", new Dictionary<string, object?>
        {
            ["aud"] = "api://AzureADTokenExchange",
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
        });
    }

    /// <summary>An id_token as the token endpoint would issue it, for tests that check validation directly.</summary>
    public string IssueIdToken(FakeEntraUser user, string nonce) => IdToken(user, nonce);

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(http.RequestAborted);
        var form = request.HasFormContentType ? QueryHelpers.ParseQuery(body) : new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>();
        var path = request.Path.Value ?? "";
        _requests.Enqueue(new FakeEntraRequest(request.Method, path, request.QueryString.Value ?? "", form.ToDictionary(kv => kv.Key, kv => kv.Value.ToString())));

        var tenant = "/" + Options.TenantId;
        IResult result;
        if (!path.StartsWith(tenant + "/", StringComparison.Ordinal))
            result = Error(400, "invalid_tenant", "AADSTS90002: Tenant not found.");
        else
            result = (request.Method, path[tenant.Length..]) switch
            {
                ("GET", "/v2.0/.well-known/openid-configuration") => Discovery(),
                ("GET", "/discovery/v2.0/keys") => Keys(),
                ("GET", "/oauth2/v2.0/authorize") => Authorize(http),
                ("POST", "/oauth2/v2.0/token") => Token(form),
                _ => Results.Content("{\"error\":\"not_found\"}", "application/json", Encoding.UTF8, 404),
            };
        await result.ExecuteAsync(http);
    }

    private IResult Discovery()
    {
        var root = Instance + Options.TenantId;
        return Json(200, new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = root + "/oauth2/v2.0/authorize",
            ["token_endpoint"] = root + "/oauth2/v2.0/token",
            ["jwks_uri"] = root + "/discovery/v2.0/keys",
            ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "id_token token" },
            ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "private_key_jwt", "client_secret_basic" },
            ["code_challenge_methods_supported"] = new[] { "plain", "S256" },
            ["claims_supported"] = new[] { "sub", "iss", "aud", "exp", "iat", "nonce", "oid", "tid", "name", "preferred_username", "groups" },
            ["tenant_region_scope"] = "EU",
        });
    }

    private IResult Keys()
    {
        var p = _signing.Key.ExportParameters(false);
        return Json(200, new
        {
            keys = new[]
            {
                new Dictionary<string, object>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = _signing.Kid,
                    ["n"] = Base64UrlEncode(p.Modulus!),
                    ["e"] = Base64UrlEncode(p.Exponent!),
                    ["issuer"] = Issuer,
                },
            },
        });
    }

    private IResult Authorize(HttpContext http)
    {
        var q = http.Request.Query;
        // Entra shows its own error page, never redirecting, for an unknown client or an unregistered redirect URI.
        if (q["client_id"] != Options.ClientId)
            return Results.Content("<h1>Sign in</h1><p>AADSTS700016: Application not found in the directory.</p>", "text/html", statusCode: 400);
        var redirectUri = q["redirect_uri"].ToString();
        if (redirectUri.Length == 0 || (Options.RedirectUri is not null && redirectUri != Options.RedirectUri))
            return Results.Content("<h1>Sign in</h1><p>AADSTS50011: The redirect URI specified in the request does not match.</p>", "text/html", statusCode: 400);
        var state = q["state"].ToString();
        if (q["response_type"] != "code")
            return Back(redirectUri, state, "unsupported_response_type", "AADSTS700054: response_type is not enabled for the application.");
        if (!q["scope"].ToString().Split(' ').Contains("openid"))
            return Back(redirectUri, state, "invalid_request", "AADSTS900144: The request body must contain the scope openid.");
        var challenge = q["code_challenge"].ToString();
        if (challenge.Length == 0 || q["code_challenge_method"] != "S256")
            return Back(redirectUri, state, "invalid_request", "AADSTS501491: Invalid size of code_challenge parameter or code_challenge_method not S256.");
        if (Options.SignedInUser is not { } user)
            return Results.Content("<h1>Sign in to your account</h1>", "text/html", statusCode: 200);

        var code = "0.fake." + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        _codes[code] = new Grant(redirectUri, challenge, q["nonce"].ToString(), user, Options.Time.GetUtcNow() + TimeSpan.FromMinutes(10));
        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
        {
            ["code"] = code,
            ["state"] = state.Length > 0 ? state : null,
            ["session_state"] = Guid.NewGuid().ToString(),
        }));
    }

    private IResult Token(IDictionary<string, Microsoft.Extensions.Primitives.StringValues> form)
    {
        string Param(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : "";
        if (Param("client_id") != Options.ClientId)
            return Error(400, "unauthorized_client", "AADSTS700016: Application with identifier was not found in the directory.");
        if (Param("client_assertion_type").Length > 0 || Param("client_assertion").Length > 0)
        {
            if (Param("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !AssertionIsTrusted(Param("client_assertion")))
                return Error(401, "invalid_client", "AADSTS70021: No matching federated identity record found for presented assertion.");
        }
        else if (Options.ClientSecret is null || !FixedEquals(Param("client_secret"), Options.ClientSecret))
            return Error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
        if (Param("grant_type") != "authorization_code")
            return Error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");

        // Single use: the code is gone whether or not the rest of the request is right.
        if (!_codes.TryRemove(Param("code"), out var grant) || grant.ExpiresAt <= Options.Time.GetUtcNow())
            return Error(400, "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired or was already used.");
        if (grant.RedirectUri != Param("redirect_uri"))
            return Error(400, "invalid_grant", "AADSTS50148: The redirect_uri does not match the one of the authorization request.");
        var verifier = Param("code_verifier");
        if (verifier.Length is < 43 or > 128 || !FixedEquals(Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), grant.Challenge))
            return Error(400, "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.");

        return Json(200, new
        {
            token_type = "Bearer",
            scope = "openid profile email",
            expires_in = 3600,
            ext_expires_in = 3600,
            access_token = Base64UrlEncode(RandomNumberGenerator.GetBytes(48)),
            id_token = IdToken(grant.User, grant.Nonce),
        });
    }

    private string IdToken(FakeEntraUser user, string nonce)
    {
        var now = Options.Time.GetUtcNow();
        var claims = new Dictionary<string, object?>
        {
            ["aud"] = Options.AudienceOverride ?? Options.ClientId,
            ["iss"] = Issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = Math.Min(now.ToUnixTimeSeconds(), (now + Options.IdTokenLifetime).ToUnixTimeSeconds() - 60),
            ["exp"] = (now + Options.IdTokenLifetime).ToUnixTimeSeconds(),
            ["name"] = user.Name,
            ["nonce"] = Options.NonceOverride ?? nonce,
            ["oid"] = user.ObjectId,
            ["preferred_username"] = user.UserName,
            ["sub"] = Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(user.ObjectId + Options.ClientId)))[..43],
            ["tid"] = Options.TenantId,
            ["ver"] = "2.0",
        };
        if (Options.GroupsOverage)
        {
            claims["_claim_names"] = new Dictionary<string, string> { ["groups"] = "src1" };
            claims["_claim_sources"] = new Dictionary<string, object> { ["src1"] = new Dictionary<string, string> { ["endpoint"] = "https://graph.microsoft.com/v1.0/users/" + user.ObjectId + "/getMemberObjects" } };
        }
        else
            claims["groups"] = user.Groups;
        return Sign(Options.SignWithForeignKey ? _foreignKey : _signing.Key, _signing.Kid, claims);
    }

    private bool AssertionIsTrusted(string assertion)
    {
        if (Options.FederatedSubject is null) return false;
        var parts = assertion.Split('.');
        if (parts.Length != 3) return false;
        try
        {
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!_managedIdentityKey.VerifyData(signed, Base64UrlDecode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)) return false;
            using var payload = JsonDocument.Parse(Base64UrlDecode(parts[1]));
            var root = payload.RootElement;
            return root.GetProperty("aud").GetString() == "api://AzureADTokenExchange"
                && root.GetProperty("sub").GetString() == Options.FederatedSubject
                && root.GetProperty("exp").GetInt64() > Options.Time.GetUtcNow().ToUnixTimeSeconds();
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Sign(RSA key, string kid, Dictionary<string, object?> claims)
    {
        var header = Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = kid }));
        var payload = Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64UrlEncode(signature);
    }

    private static (RSA, string) NewKey() => (RSA.Create(2048), Base64UrlEncode(RandomNumberGenerator.GetBytes(15)));

    private static bool FixedEquals(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static IResult Back(string redirectUri, string state, string error, string description) =>
        Results.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
        {
            ["error"] = error,
            ["error_description"] = description,
            ["state"] = state.Length > 0 ? state : null,
        }));

    private IResult Error(int status, string error, string description) => Json(status, new
    {
        error,
        error_description = description + "\r\nTrace ID: " + Guid.NewGuid() + "\r\nTimestamp: " + Options.Time.GetUtcNow().ToString("u"),
        error_codes = new[] { int.Parse(description[6..description.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture) },
        timestamp = Options.Time.GetUtcNow().ToString("u"),
    });

    private static IResult Json(int status, object body) => Results.Content(JsonSerializer.Serialize(body), "application/json", Encoding.UTF8, status);

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _signing.Key.Dispose();
        _foreignKey.Dispose();
        _managedIdentityKey.Dispose();
    }

    private sealed record Grant(string RedirectUri, string Challenge, string Nonce, FakeEntraUser User, DateTimeOffset ExpiresAt);
}

/// <summary>One request the fake received; <paramref name="Form"/> holds a parsed form body.</summary>
public sealed record FakeEntraRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Form);
