using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Core.Approvals;

/// <summary>
/// The hidden form field of the confirmation page: HMAC(session id, approval token id). A page from another site
/// cannot know it (it needs the session cookie's random id and TerraFlow's key), and it only fits the one approval
/// it was rendered for, so it cannot be lifted from one confirmation page into a POST for another link.
/// </summary>
public static class AntiForgeryToken
{
    public static string Compute(string sessionId, string approvalTokenId, ReadOnlySpan<byte> antiForgeryKey) =>
        Base64Url.EncodeToString(Mac(sessionId, approvalTokenId, antiForgeryKey));

    public static bool IsValid(string? submitted, string sessionId, string approvalTokenId, ReadOnlySpan<byte> antiForgeryKey)
    {
        if (string.IsNullOrEmpty(submitted) || submitted.Length > 128 || !Base64Url.IsValid(submitted)) return false;
        return CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(submitted), Mac(sessionId, approvalTokenId, antiForgeryKey));
    }

    // Newline-separated: neither part can contain one (base64url), so ("a", "b\nc") and ("a\nb", "c") cannot collide.
    private static byte[] Mac(string sessionId, string tokenId, ReadOnlySpan<byte> key) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("v1\n" + sessionId + "\n" + tokenId));
}
