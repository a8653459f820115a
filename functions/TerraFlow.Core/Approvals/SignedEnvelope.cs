using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Core.Approvals;

/// <summary>Why a signed value was refused (or <see cref="Valid"/>).</summary>
public enum SignedValueStatus { Valid, Malformed, BadSignature, Expired }

/// <summary>
/// A compact, URL- and cookie-safe signed value: <c>base64url(payload) + "." + base64url(HMAC-SHA256(key, first part))</c>.
/// The MAC covers the encoded text exactly as sent, so there is one canonical form and nothing to re-encode.
/// The payload is not encrypted: put nothing secret in it.
/// </summary>
public static class SignedEnvelope
{
    /// <summary>Longer input is refused before any work: a link or cookie never needs more.</summary>
    public const int MaxLength = 2048;

    public static string Seal(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key)
    {
        var body = Base64Url.EncodeToString(payload);
        return body + "." + Base64Url.EncodeToString(Mac(body, key));
    }

    /// <summary>Checks shape and signature; on <see cref="SignedValueStatus.Valid"/> returns the payload bytes.</summary>
    public static SignedValueStatus Open(string? value, ReadOnlySpan<byte> key, out byte[] payload)
    {
        payload = [];
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return SignedValueStatus.Malformed;
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == value.Length - 1 || value.IndexOf('.', dot + 1) >= 0) return SignedValueStatus.Malformed;
        var body = value[..dot];
        var signatureText = value[(dot + 1)..];
        if (!Base64Url.IsValid(body) || !Base64Url.IsValid(signatureText)) return SignedValueStatus.Malformed;

        var signature = Base64Url.DecodeFromChars(signatureText);
        // Only the canonical spelling counts (base64url can spell the same bytes with different unused trailing bits),
        // so any change to the text of a token is a refusal, never an equivalent token.
        if (signature.Length != HMACSHA256.HashSizeInBytes || Base64Url.EncodeToString(signature) != signatureText) return SignedValueStatus.Malformed;
        // Constant-time comparison: the time taken must not tell an attacker how many leading bytes were right.
        if (!CryptographicOperations.FixedTimeEquals(signature, Mac(body, key))) return SignedValueStatus.BadSignature;
        var decoded = Base64Url.DecodeFromChars(body);
        if (Base64Url.EncodeToString(decoded) != body) return SignedValueStatus.Malformed;
        payload = decoded;
        return SignedValueStatus.Valid;
    }

    private static byte[] Mac(string body, ReadOnlySpan<byte> key) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body));
}
