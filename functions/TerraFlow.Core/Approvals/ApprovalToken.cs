using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace TerraFlow.Core.Approvals;

/// <summary>The result of checking an approval-link token: <see cref="Claims"/> is set only when valid.</summary>
public sealed record ApprovalTokenCheck(SignedValueStatus Status, ApprovalClaims? Claims)
{
    public bool IsValid => Status == SignedValueStatus.Valid;
}

/// <summary>
/// Approval-link tokens: the claims as compact JSON in a <see cref="SignedEnvelope"/>. Short keys keep the URL short:
/// <c>run</c>, <c>project</c>, <c>plan</c> (SHA-256 of the stored plan file, hex), <c>exp</c> (Unix seconds),
/// <c>jti</c> (128 random bits, what makes the link single-use).
/// </summary>
public static class ApprovalToken
{
    /// <summary>A fresh random token id: 16 bytes (128 bits), base64url.</summary>
    public static string NewTokenId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static string Sign(ApprovalClaims claims, ReadOnlySpan<byte> linkKey)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (Problem(claims) is { } problem) throw new ArgumentException(problem, nameof(claims));
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["run"] = claims.RunId,
            ["project"] = claims.Project,
            ["plan"] = claims.PlanSha256,
            ["exp"] = claims.ExpiresAt.ToUnixTimeSeconds(),
            ["jti"] = claims.TokenId,
        });
        return SignedEnvelope.Seal(json, linkKey);
    }

    /// <summary>
    /// Signature first (nothing unauthenticated is parsed as claims), then shape, then expiry: so a tampered token
    /// says "bad signature" even when it is also old, and "expired" is only said of tokens TerraFlow really issued.
    /// </summary>
    public static ApprovalTokenCheck Verify(string? token, ReadOnlySpan<byte> linkKey, DateTimeOffset now)
    {
        var status = SignedEnvelope.Open(token, linkKey, out var payload);
        if (status != SignedValueStatus.Valid) return new ApprovalTokenCheck(status, null);
        var claims = Parse(payload);
        if (claims is null) return new ApprovalTokenCheck(SignedValueStatus.Malformed, null);
        return now >= claims.ExpiresAt
            ? new ApprovalTokenCheck(SignedValueStatus.Expired, claims)
            : new ApprovalTokenCheck(SignedValueStatus.Valid, claims);
    }

    private static ApprovalClaims? Parse(byte[] payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var claims = new ApprovalClaims(
                root.GetProperty("run").GetInt64(),
                root.GetProperty("project").GetString() ?? "",
                root.GetProperty("plan").GetString() ?? "",
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()),
                root.GetProperty("jti").GetString() ?? "");
            return Problem(claims) is null ? claims : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string? Problem(ApprovalClaims c)
    {
        if (c.RunId <= 0) return "run id must be positive";
        if (string.IsNullOrWhiteSpace(c.Project)) return "project is required";
        if (c.PlanSha256.Length != 64 || !c.PlanSha256.All(char.IsAsciiHexDigit))
            return "plan hash must be 64 hex digits (SHA-256)";
        if (c.TokenId.Length < 22) return "token id must carry at least 128 random bits";
        return null;
    }
}
