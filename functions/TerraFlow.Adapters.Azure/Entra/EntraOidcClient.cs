using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TerraFlow.Adapters.Azure.Entra;

/// <summary>
/// OpenID Connect with Entra ID, authorization code flow with PKCE (S256): <see cref="AuthorizeUrlAsync"/> sends the
/// browser to Entra with <c>state</c>, <c>nonce</c> and the code challenge; <see cref="RedeemAsync"/> exchanges the
/// code (with the verifier and the client credential) and validates the id_token: RS256 signature with a key of the
/// tenant's JWKS (fetched again once when the kid is unknown), issuer from discovery, audience = client id,
/// <c>exp</c>/<c>nbf</c>, <c>tid</c>, and the nonce of this sign-in. The access token is not kept.
/// </summary>
public sealed class EntraOidcClient(HttpClient http, EntraOptions options, EntraMetadata metadata, EntraClientCredential credential, TimeProvider time, ILogger<EntraOidcClient> logger)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public bool IsConfigured => options.IsConfigured;

    public async Task<Uri> AuthorizeUrlAsync(string state, string nonce, string codeVerifier, string redirectUri, CancellationToken ct)
    {
        var endpoints = await metadata.GetAsync(ct);
        var scopes = options.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Prepend("openid").Distinct(StringComparer.Ordinal);
        return new Uri(QueryHelpers.AddQueryString(endpoints.AuthorizationEndpoint.AbsoluteUri, new Dictionary<string, string?>
        {
            ["client_id"] = options.ClientId,
            ["response_type"] = "code",
            ["response_mode"] = "query",
            ["redirect_uri"] = redirectUri,
            ["scope"] = string.Join(' ', scopes),
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = CodeChallenge(codeVerifier),
            ["code_challenge_method"] = "S256",
        }));
    }

    /// <summary>S256: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2).</summary>
    public static string CodeChallenge(string codeVerifier) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier)));

    public async Task<EntraSignInResult> RedeemAsync(string code, string codeVerifier, string redirectUri, string expectedNonce, CancellationToken ct)
    {
        try
        {
            var endpoints = await metadata.GetAsync(ct);
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["code_verifier"] = codeVerifier,
                ["scope"] = string.Join(' ', options.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Prepend("openid").Distinct(StringComparer.Ordinal)),
            };
            await credential.AddToAsync(form, ct);
            using var response = await http.PostAsync(endpoints.TokenEndpoint, new FormUrlEncodedContent(form), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            using var json = ParseJson(body);
            if (!response.IsSuccessStatusCode)
            {
                // Entra's errors (AADSTS…) name the cause; they hold no secret of ours.
                var error = json?.RootElement.TryGetProperty("error", out var e) == true ? e.GetString() : null;
                var description = json?.RootElement.TryGetProperty("error_description", out var d) == true ? d.GetString() : null;
                logger.LogWarning("Entra token endpoint refused the code: HTTP {Status} {Error} {Description}", (int)response.StatusCode, error, description);
                return (int)response.StatusCode is >= 400 and < 500
                    ? EntraSignInResult.Refused($"Entra refused the sign-in ({error ?? "HTTP " + (int)response.StatusCode}).")
                    : EntraSignInResult.Upstream($"Entra's token endpoint answered HTTP {(int)response.StatusCode}.");
            }
            if (json?.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("id_token", out var idToken) || idToken.ValueKind != JsonValueKind.String)
                return EntraSignInResult.Upstream("Entra's token response carries no id_token.");
            return await ValidateAsync(idToken.GetString()!, expectedNonce, endpoints, ct);
        }
        catch (EntraUnavailableException ex)
        {
            logger.LogWarning("Entra sign-in failed: {Reason}", ex.Message);
            return EntraSignInResult.Upstream(ex.Message);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Entra token endpoint could not be reached: {Reason}", ex.Message);
            return EntraSignInResult.Upstream("Entra's token endpoint could not be reached.");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return EntraSignInResult.Upstream("Entra's token endpoint did not answer in time.");
        }
    }

    /// <summary>Checks an id_token as <see cref="RedeemAsync"/> does; public so the checks can be tested on their own.</summary>
    public async Task<EntraSignInResult> ValidateAsync(string idToken, string expectedNonce, EntraEndpoints endpoints, CancellationToken ct)
    {
        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(idToken);
        }
        catch (ArgumentException)
        {
            return EntraSignInResult.Refused("Entra's id_token is not a JWT.");
        }
        // A key id we do not know: Entra may have rotated its keys since we fetched them.
        if (!string.IsNullOrEmpty(parsed.Kid) && !endpoints.SigningKeys.Any(k => k.KeyId == parsed.Kid))
            endpoints = await metadata.RefreshKeysAsync(ct);

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = endpoints.Issuer,
            ValidAudience = options.ClientId,
            IssuerSigningKeys = endpoints.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = options.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, p) => Lifetime(notBefore, expires, p.ClockSkew),
            TryAllIssuerSigningKeys = false,
        };
        var result = await Handler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid)
        {
            logger.LogWarning("Entra id_token refused: {Reason}", result.Exception?.GetType().Name);
            return EntraSignInResult.Refused("Entra's id_token did not pass its checks (" + Describe(result.Exception) + ").");
        }
        var token = (JsonWebToken)result.SecurityToken;
        var nonce = token.TryGetPayloadValue<string>("nonce", out var n) ? n : null;
        if (nonce is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(expectedNonce)))
        {
            logger.LogWarning("Entra id_token refused: its nonce is not this sign-in's");
            return EntraSignInResult.Refused("Entra's id_token does not belong to this sign-in (nonce).");
        }
        var oid = token.TryGetPayloadValue<string>("oid", out var o) ? o : null;
        var tid = token.TryGetPayloadValue<string>("tid", out var t) ? t : null;
        if (string.IsNullOrEmpty(oid) || string.IsNullOrEmpty(tid))
            return EntraSignInResult.Refused("Entra's id_token names no user object id or tenant.");
        // A tenant configured by id must be the token's tenant (the issuer check covers domains: discovery resolves them).
        if (Guid.TryParse(options.TenantId, out var tenant) && !(Guid.TryParse(tid, out var tokenTenant) && tokenTenant == tenant))
            return EntraSignInResult.Refused("Entra's id_token is from another tenant.");

        var groups = new List<string>();
        if (token.TryGetPayloadValue<string[]>("groups", out var g) && g is not null) groups.AddRange(g.Where(x => !string.IsNullOrEmpty(x)));
        var overage = token.TryGetPayloadValue<JsonElement>("_claim_names", out var names) && names.ValueKind == JsonValueKind.Object && names.TryGetProperty("groups", out _);
        var userName = token.TryGetPayloadValue<string>("preferred_username", out var u) ? u : null;
        var name = token.TryGetPayloadValue<string>("name", out var nm) && !string.IsNullOrWhiteSpace(nm) ? nm : userName ?? oid;
        return new EntraSignInResult(new EntraIdentity(oid, tid, name, userName, groups, overage), null);
    }

    private bool Lifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null || expires.Value.ToUniversalTime() + skew <= now) return false;
        return notBefore is null || notBefore.Value.ToUniversalTime() - skew <= now;
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenSignatureKeyNotFoundException => "signed with an unknown key",
        SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException => "expired or not yet valid",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        _ => "invalid",
    };

    private static JsonDocument? ParseJson(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
