using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// The short-lived RS256 JSON Web Token a GitHub App signs to prove who it is. It is only used to ask for
/// installation tokens; it cannot call repository APIs itself.
/// </summary>
public static class GitHubAppJwt
{
    /// <summary>GitHub rejects tokens whose lifetime exceeds 10 minutes; 9 leaves room for clock drift.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    /// <summary>Backdating iat tolerates a GitHub clock that runs slightly behind ours (GitHub's own advice).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    public static string Create(long appId, RSA privateKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var iat = now.Subtract(ClockSkew).ToUnixTimeSeconds();
        var exp = now.Add(Lifetime).ToUnixTimeSeconds();

        // Hand-built because the payload is fixed and tiny; a JWT package would be the only dependency for it.
        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
        var payloadJson = string.Create(CultureInfo.InvariantCulture, $$"""{"iat":{{iat}},"exp":{{exp}},"iss":"{{appId}}"}""");
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson));
        var signingInput = header + "." + payload;
        var signature = privateKey.SignData(
            Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
