using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using TerraFlow.Application.Access;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The content of the console session cookie: a random session id (what anti-forgery tokens bind to and what
/// sign-out ends on the server), the user (provider, login, display name, the named groups) and the expiry, signed
/// with the console session key (<see cref="ApprovalKeyRing.ConsoleSessionKey"/>: one master key in PostgreSQL shared
/// by every instance, so each accepts the others' cookies). Not encrypted: it holds nothing secret. The role is not
/// in it: it is worked out from the lists at each request.
/// </summary>
internal sealed record ConsoleSessionTicket(string SessionId, ConsoleUser User, DateTimeOffset ExpiresAt)
{
    public static ConsoleSessionTicket Start(ConsoleUser user, DateTimeOffset now, TimeSpan lifetime) =>
        new(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), user, now + lifetime);

    public string Seal(ReadOnlySpan<byte> key) => SignedEnvelope.Seal(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["v"] = 1,
        ["sid"] = SessionId,
        ["idp"] = User.IdentityProvider,
        ["login"] = User.Login,
        ["name"] = User.DisplayName,
        ["groups"] = User.Groups,
        ["exp"] = ExpiresAt.ToUnixTimeSeconds(),
    }), key);

    /// <summary>The ticket in a cookie value, or null when missing, forged (any other key), malformed or expired.</summary>
    public static ConsoleSessionTicket? Open(string? cookie, ReadOnlySpan<byte> key, DateTimeOffset now)
    {
        if (SignedEnvelope.Open(cookie, key, out var payload) != SignedValueStatus.Valid) return null;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.GetProperty("v").GetInt32() != 1) return null;
            var user = new ConsoleUser(
                root.GetProperty("idp").GetString() ?? "",
                root.GetProperty("login").GetString() ?? "",
                root.GetProperty("name").GetString() ?? "",
                ConsoleRole.Viewer,
                root.GetProperty("groups").EnumerateArray().Select(g => g.GetString() ?? "").Where(g => g.Length > 0).ToList());
            var ticket = new ConsoleSessionTicket(root.GetProperty("sid").GetString() ?? "", user, DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()));
            if (ticket.SessionId.Length == 0 || user.IdentityProvider.Length == 0 || user.Login.Length == 0 || now >= ticket.ExpiresAt) return null;
            return ticket;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentOutOfRangeException or FormatException)
        {
            return null;
        }
    }
}
