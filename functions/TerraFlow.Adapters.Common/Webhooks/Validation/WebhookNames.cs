namespace TerraFlow.Adapters.Webhooks.Validation;

/// <summary>
/// Plausible names of accounts, repositories, GitLab namespaces and branches, as GitHub and GitLab allow them. Names
/// are stored, indexed and put into URLs and git commands, so anything the hosts themselves would not accept is refused
/// (at most <see cref="MaxChars"/> characters, never control characters).
/// </summary>
public static class WebhookNames
{
    public const int MaxChars = 255;

    /// <summary>
    /// A user or organisation: letters, digits, '-', '_', '.' (GitHub logins, GitLab usernames, enterprise managed
    /// users' "_shortcode"), optionally GitHub's "[bot]" suffix for apps.
    /// </summary>
    public static string? AccountProblem(string value)
    {
        var core = value.EndsWith("[bot]", StringComparison.Ordinal) ? value[..^5] : value;
        if (Common(value) is { } problem) return problem;
        if (core.Length == 0 || !(IsAlphanumeric(core[0]) || core[0] == '_')) return "must start with a letter, digit or '_'";
        return core.All(IsPathChar) ? null : "may contain only letters, digits, '-', '_' and '.'";
    }

    /// <summary>A repository or GitLab project path: letters, digits, '-', '_', '.'; not "." or "..".</summary>
    public static string? RepositoryProblem(string value)
    {
        if (Common(value) is { } problem) return problem;
        if (value is "." or "..") return "is not a repository name";
        return value.All(IsPathChar) ? null : "may contain only letters, digits, '-', '_' and '.'";
    }

    /// <summary>A GitLab namespace ("group" or "group/subgroup"): repository-like segments joined by '/'.</summary>
    public static string? NamespaceProblem(string value)
    {
        if (Common(value) is { } problem) return problem;
        foreach (var segment in value.Split('/'))
            if (segment.Length == 0 || RepositoryProblem(segment) is not null)
                return "must be path segments of letters, digits, '-', '_' and '.' separated by '/'";
        return null;
    }

    /// <summary>A branch name as <c>git check-ref-format --branch</c> accepts it.</summary>
    public static string? BranchProblem(string value)
    {
        if (Common(value) is { } problem) return problem;
        foreach (var c in value)
            if (c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\') return $"contains '{c}', which git does not allow in a branch name";
        if (value == "@" || value.Contains("..", StringComparison.Ordinal) || value.Contains("@{", StringComparison.Ordinal)
            || value.Contains("//", StringComparison.Ordinal) || value.StartsWith('/') || value.StartsWith('-') || value.EndsWith('/')
            || value.EndsWith('.') || value.EndsWith(".lock", StringComparison.Ordinal)
            || value.Split('/').Any(part => part.StartsWith('.')))
            return "is not a valid git branch name";
        return null;
    }

    private static string? Common(string value)
    {
        if (value.Length == 0) return "is empty";
        if (value.Length > MaxChars) return $"is longer than {MaxChars} characters";
        foreach (var c in value)
            if (char.IsControl(c) || char.IsWhiteSpace(c)) return c == '\0' ? "contains a NUL character" : "contains whitespace or a control character";
        return null;
    }

    private static bool IsAlphanumeric(char c) => char.IsAsciiLetterOrDigit(c);

    private static bool IsPathChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
