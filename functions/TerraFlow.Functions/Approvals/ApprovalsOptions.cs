namespace TerraFlow.Functions.Approvals;

/// <summary>Bound from <c>TerraFlow:Approvals</c> (environment: <c>TerraFlow__Approvals__…</c>).</summary>
internal sealed class ApprovalsOptions
{
    /// <summary>How long an approval link stays valid (configuration syntax: <c>3.00:00:00</c> for 72 hours).</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// Base64 of at least 32 random bytes; signs links, approver sessions and anti-forgery tokens. When unset, a key
    /// is generated once and kept in PostgreSQL (table service_secrets), so every host agrees on it. Set it to make
    /// links survive a database rebuild, or to rotate (every outstanding link and session then stops working).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How long an approver stays signed in after the GitHub round trip.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a started sign-in may take before its state cookie is refused.</summary>
    public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
