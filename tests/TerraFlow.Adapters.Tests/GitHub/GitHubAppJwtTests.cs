using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TerraFlow.Adapters.GitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

public class GitHubAppJwtTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Jwt_has_RS256_header_and_GitHub_claims()
    {
        using var key = new TestAppKey();
        var parts = GitHubAppJwt.Create(TestAppKey.AppId, key.Rsa, Now).Split('.');

        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var claims = payload.RootElement;
        Assert.Equal(Now.AddSeconds(-60).ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal(Now.AddMinutes(9).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
        Assert.Equal(TestAppKey.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture), claims.GetProperty("iss").GetString());
        // GitHub refuses tokens valid for more than ten minutes.
        Assert.True(claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64() <= 600);
    }

    [Fact]
    public void Signature_verifies_with_the_public_key_only()
    {
        using var key = new TestAppKey();
        var parts = GitHubAppJwt.Create(TestAppKey.AppId, key.Rsa, Now).Split('.');
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);

        Assert.True(key.PublicKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        using var otherKey = RSA.Create(2048);
        Assert.False(otherKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        // One character of the claims changed (always a real change, whatever the claims encode to).
        var tampered = Encoding.ASCII.GetBytes(parts[0] + "." + (parts[1][0] == 'e' ? 'f' : 'e') + parts[1][1..]);
        Assert.False(key.PublicKey.VerifyData(tampered, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Segments_are_unpadded_base64url()
    {
        using var key = new TestAppKey();
        var jwt = GitHubAppJwt.Create(TestAppKey.AppId, key.Rsa, Now);
        Assert.DoesNotContain('=', jwt);
        Assert.DoesNotContain('+', jwt);
        Assert.DoesNotContain('/', jwt);
    }
}
