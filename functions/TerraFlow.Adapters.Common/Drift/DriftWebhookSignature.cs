using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Adapters.Drift;

/// <summary>
/// The signature of an outbound drift webhook, like GitHub's <c>X-Hub-Signature-256</c>:
/// <c>sha256=</c> + lowercase hex of HMAC-SHA256(secret, raw body bytes). Receivers recompute it over the exact bytes
/// received and compare in constant time.
/// </summary>
public static class DriftWebhookSignature
{
    public const string Header = "X-TerraFlow-Signature-256";
    public const string EventHeader = "X-TerraFlow-Event";
    public const string DeliveryHeader = "X-TerraFlow-Delivery";

    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/> (constant-time comparison).</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header.Trim()));
    }
}
