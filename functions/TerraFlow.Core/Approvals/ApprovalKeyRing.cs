using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Core.Approvals;

/// <summary>
/// One master secret, one derived key per purpose (HKDF-SHA256), so a value signed for one purpose (say, a session
/// cookie) can never be replayed as another (an approval link), even though both have the same shape.
/// </summary>
public sealed class ApprovalKeyRing
{
    public const int MinimumMasterKeyBytes = 32;

    public ApprovalKeyRing(byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length < MinimumMasterKeyBytes)
            throw new ArgumentException($"The approval signing key must be at least {MinimumMasterKeyBytes} bytes.", nameof(masterKey));
        LinkKey = Derive(masterKey, "approval-link");
        SessionKey = Derive(masterKey, "approver-session");
        AntiForgeryKey = Derive(masterKey, "approval-antiforgery");
        SignInStateKey = Derive(masterKey, "oauth-sign-in-state");
        ConsoleSessionKey = Derive(masterKey, "console-session");
        ConsoleAntiForgeryKey = Derive(masterKey, "console-antiforgery");
    }

    /// <summary>Signs approval-link tokens.</summary>
    public byte[] LinkKey { get; }

    /// <summary>Signs the approver's session cookie.</summary>
    public byte[] SessionKey { get; }

    /// <summary>Computes anti-forgery tokens for the confirmation form.</summary>
    public byte[] AntiForgeryKey { get; }

    /// <summary>Signs the short-lived cookie that carries the OAuth state across the sign-in round trip with the VCS host.</summary>
    public byte[] SignInStateKey { get; }

    /// <summary>Signs the web console's session cookie (never accepted as an approver session, nor the reverse).</summary>
    public byte[] ConsoleSessionKey { get; }

    /// <summary>Computes the console's anti-forgery tokens (bound to the console session id).</summary>
    public byte[] ConsoleAntiForgeryKey { get; }

    private static byte[] Derive(byte[] master, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, salt: [], info: Encoding.ASCII.GetBytes("terraflow/" + purpose + "/v1"));
}
