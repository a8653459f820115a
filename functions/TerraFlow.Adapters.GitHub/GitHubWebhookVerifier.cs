using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// Checks the <c>X-Hub-Signature-256</c> header GitHub sends with every delivery:
/// <c>sha256=</c> followed by the hex HMAC-SHA256 of the raw body, keyed with the webhook secret.
/// </summary>
public sealed class GitHubWebhookVerifier
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";
    private const int HexLength = 64;

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private readonly byte[]? _secret;

    public GitHubWebhookVerifier(GitHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _secret = string.IsNullOrEmpty(options.WebhookSecret) ? null : Encoding.UTF8.GetBytes(options.WebhookSecret);
    }

    /// <summary>
    /// Whether the header has the shape of a signature (<c>sha256=</c> and 64 hex digits): checked before the body is
    /// read, so a request that cannot possibly be verified costs no buffering.
    /// </summary>
    public static bool IsWellFormed(string? signatureHeader)
    {
        if (signatureHeader is null) return false;
        var header = signatureHeader.AsSpan().Trim();
        return header.Length == Prefix.Length + HexLength && header.StartsWith(Prefix, StringComparison.Ordinal)
            && !header[Prefix.Length..].ContainsAnyExcept(HexDigits);
    }

    /// <summary>True only when a secret is configured and the header matches the body exactly.</summary>
    public bool Verify(string? signatureHeader, ReadOnlySpan<byte> body)
    {
        // No secret means we cannot tell a forged delivery from a real one: refuse rather than accept all.
        if (_secret is null || signatureHeader is null) return false;

        var header = signatureHeader.AsSpan().Trim();
        if (header.Length != Prefix.Length + HexLength || !header.StartsWith(Prefix, StringComparison.Ordinal))
            return false;

        Span<byte> presented = stackalloc byte[HexLength / 2];
        if (Convert.FromHexString(header[Prefix.Length..], presented, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != presented.Length)
            return false;

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, body, expected);
        // Constant-time compare so response timing leaks nothing about the expected digest.
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>The header value GitHub would send for <paramref name="body"/>; for tests and fakes that sign deliveries.</summary>
    public static string ComputeSignature(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> digest = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, digest);
        return Prefix + Convert.ToHexStringLower(digest);
    }
}
