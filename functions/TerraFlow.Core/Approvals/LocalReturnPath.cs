namespace TerraFlow.Core.Approvals;

/// <summary>
/// Where a browser may be sent back to after signing in: only a path on this host under an allowed prefix, never
/// an absolute URL, so the sign-in flow cannot be used as an open redirect ("//evil.example", "/\evil.example",
/// "https://evil.example", "/api/approvals/../../x" and control characters are all refused).
/// </summary>
public static class LocalReturnPath
{
    public const string ApprovalPages = "/api/approvals/";

    public static bool IsSafe(string? path, string requiredPrefix = ApprovalPages)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 2048) return false;
        if (!path.StartsWith(requiredPrefix, StringComparison.Ordinal)) return false;
        // Browsers treat '\' like '/', and "//" starts a network path; both could leave the host.
        if (path.Contains('\\') || path.Contains("//", StringComparison.Ordinal)) return false;
        if (path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))) return false;
        // Dot segments (also percent-encoded) could climb out of the prefix.
        var decoded = Uri.UnescapeDataString(path);
        if (decoded.Contains("/..", StringComparison.Ordinal) || decoded.Contains("/./", StringComparison.Ordinal) || decoded.Contains('\\')) return false;
        return Uri.TryCreate(path, UriKind.Relative, out _);
    }
}
