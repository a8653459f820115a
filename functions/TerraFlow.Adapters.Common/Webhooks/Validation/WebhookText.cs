namespace TerraFlow.Adapters.Webhooks.Validation;

/// <summary>
/// Text read from a webhook: what every string field must satisfy before it can reach PostgreSQL. PostgreSQL refuses
/// U+0000 in text and jsonb (22021 / 22P05), so a NUL must be turned away here rather than become a database error.
/// </summary>
public static class WebhookText
{
    /// <summary>Bound for short fields (actions, states, kinds): far above any value a VCS host sends.</summary>
    public const int MaxTokenChars = 1024;

    /// <summary>
    /// Bound for a comment body: GitHub's limit for comments is 65,536 characters; a longer GitLab note (GitLab allows
    /// 1,000,000) cannot be a TerraFlow command and is ignored, not read.
    /// </summary>
    public const int MaxCommentChars = 65_536;

    /// <summary>Why <paramref name="value"/> is not a short token (no control characters, bounded), or null.</summary>
    public static string? TokenProblem(string value)
    {
        if (value.Length > MaxTokenChars) return $"is longer than {MaxTokenChars} characters";
        foreach (var c in value)
            if (char.IsControl(c)) return c == '\0' ? "contains a NUL character" : "contains a control character";
        return null;
    }

    /// <summary>Why <paramref name="value"/> is not free text (a comment body; line breaks and tabs allowed), or null.</summary>
    public static string? TextProblem(string value) =>
        value.Contains('\0') ? "contains a NUL character" : null;
}
