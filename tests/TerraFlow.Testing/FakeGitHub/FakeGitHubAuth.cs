using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>Authorization checks the way GitHub performs them: bearer tokens for repo APIs, an App JWT for token minting.</summary>
internal sealed class FakeGitHubAuth(FakeGitHubOptions options, FakeGitHubState state)
{
    public enum Caller { None, StaticToken, Installation }

    /// <summary>GitHub accepts both "Bearer X" and the older "token X".</summary>
    public static string? ExtractCredential(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization)) return null;
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0) return null;
        var scheme = authorization[..space];
        return scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || scheme.Equals("token", StringComparison.OrdinalIgnoreCase)
            ? authorization[(space + 1)..].Trim()
            : null;
    }

    public Caller Identify(string? credential)
    {
        if (credential is null) return Caller.None;
        if (credential == options.Token) return Caller.StaticToken;
        return state.IsLiveInstallationToken(credential, options.Time.GetUtcNow()) ? Caller.Installation : Caller.None;
    }

    public string LoginFor(Caller caller) => caller == Caller.Installation ? options.AppSlug + "[bot]" : options.TokenUser;

    /// <summary>Null when the JWT is acceptable; otherwise GitHub's error message.</summary>
    public string? ValidateAppJwt(string? credential)
    {
        const string undecodable = "A JSON web token could not be decoded";
        var parts = credential?.Split('.');
        if (parts is not { Length: 3 }) return undecodable;
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256") return undecodable;

            if (options.AppPublicKey is { } key)
            {
                var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
                if (!key.VerifyData(signed, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                    return undecodable;
            }

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var claims = payload.RootElement;
            var now = options.Time.GetUtcNow().ToUnixTimeSeconds();
            if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
                return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
            // GitHub refuses JWTs that expire in the past or more than ten minutes ahead.
            if (exp.GetInt64() <= now || exp.GetInt64() > now + 600)
                return "'Expiration time' claim ('exp') is too far in the future or already passed";
            if (!claims.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number || iat.GetInt64() > now + 60)
                return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
            if (!claims.TryGetProperty("iss", out var iss))
                return "'Issuer' claim ('iss') must be an Integer";
            var issuer = iss.ValueKind == JsonValueKind.String ? iss.GetString() : iss.GetRawText();
            if (options.AppId is { } appId && issuer != appId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                return "Integration not found";
            return null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return undecodable;
        }
    }
}
