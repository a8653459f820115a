using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace TerraFlow.Core.Approvals;

/// <summary>
/// Who signed in to approve, until when. Kept in a signed cookie (no server-side session table): the login is all
/// TerraFlow needs, and the provider's user token is never kept. <paramref name="SessionId"/> is random per sign-in
/// and is what anti-forgery tokens are bound to.
/// </summary>
public sealed record ApproverSession(string Login, string SessionId, DateTimeOffset ExpiresAt)
{
    public static ApproverSession Start(string login, DateTimeOffset now, TimeSpan lifetime) =>
        new(login, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), now + lifetime);

    public string Seal(ReadOnlySpan<byte> sessionKey) => SignedEnvelope.Seal(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["login"] = Login,
        ["sid"] = SessionId,
        ["exp"] = ExpiresAt.ToUnixTimeSeconds(),
    }), sessionKey);

    /// <summary>The session in a cookie value, or null when it is missing, forged, malformed or expired.</summary>
    public static ApproverSession? Open(string? cookie, ReadOnlySpan<byte> sessionKey, DateTimeOffset now)
    {
        if (SignedEnvelope.Open(cookie, sessionKey, out var payload) != SignedValueStatus.Valid) return null;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var session = new ApproverSession(
                root.GetProperty("login").GetString() ?? "",
                root.GetProperty("sid").GetString() ?? "",
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()));
            if (session.Login.Length == 0 || session.SessionId.Length == 0 || now >= session.ExpiresAt) return null;
            return session;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
