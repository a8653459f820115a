using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TerraFlow.Core.Approvals;

/// <summary>
/// The OAuth <c>state</c> round trip: a random value sent to the provider and kept, with the page to return to, in a
/// signed short-lived cookie bound to this browser. The callback must bring back the same value (compared in
/// constant time), which defeats login CSRF: an attacker cannot make a victim's browser finish the attacker's sign-in.
/// <para>
/// <paramref name="Purpose"/> says what the sign-in is for: <see cref="ApprovalPurpose"/> (the approver's session for
/// the approval pages) or <see cref="ConsolePurpose"/> (a web console session). It is inside the signed cookie, so the
/// callback cannot be talked into turning one kind of sign-in into the other; states from before purposes existed
/// read as approval sign-ins.
/// </para>
/// </summary>
public sealed record SignInState(string State, string ReturnPath, DateTimeOffset ExpiresAt, string Purpose = SignInState.ApprovalPurpose)
{
    public const string ApprovalPurpose = "approval";
    public const string ConsolePurpose = "console";

    public static SignInState Start(string returnPath, DateTimeOffset now, TimeSpan lifetime, string purpose = ApprovalPurpose) =>
        new(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), returnPath, now + lifetime, purpose);

    public bool IsConsole => Purpose == ConsolePurpose;

    public string Seal(ReadOnlySpan<byte> stateKey) => SignedEnvelope.Seal(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["state"] = State,
        ["return"] = ReturnPath,
        ["exp"] = ExpiresAt.ToUnixTimeSeconds(),
        ["purpose"] = Purpose,
    }), stateKey);

    public static SignInState? Open(string? cookie, ReadOnlySpan<byte> stateKey, DateTimeOffset now)
    {
        if (SignedEnvelope.Open(cookie, stateKey, out var payload) != SignedValueStatus.Valid) return null;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var state = new SignInState(
                root.GetProperty("state").GetString() ?? "",
                root.GetProperty("return").GetString() ?? "",
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()),
                root.TryGetProperty("purpose", out var purpose) ? purpose.GetString() ?? "" : ApprovalPurpose);
            if (state.Purpose is not (ApprovalPurpose or ConsolePurpose)) return null;
            return state.State.Length == 0 || now >= state.ExpiresAt ? null : state;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True when the provider returned exactly this state; constant time in the compared bytes.</summary>
    public bool Matches(string? returned) =>
        returned is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(returned), Encoding.UTF8.GetBytes(State));
}
