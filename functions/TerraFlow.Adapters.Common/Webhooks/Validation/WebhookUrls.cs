namespace TerraFlow.Adapters.Webhooks.Validation;

/// <summary>
/// A URL from a webhook (e.g. a clone URL): absolute http or https, at most <see cref="MaxChars"/> characters (the
/// length browsers and most servers accept), with a host and no credentials in it. Which hosts are acceptable is
/// decided where a token would be attached; this only makes sure it is a well-formed URL at all.
/// </summary>
public static class WebhookUrls
{
    public const int MaxChars = 2048;

    /// <summary>
    /// A clone source: a URL as in <see cref="Problem"/>, or an absolute local path (a repository on the runner's own
    /// disk, as local development and the test suite use). This checks only the form; whether a runner may clone from
    /// that host or path, and with which token, is decided where the clone happens.
    /// </summary>
    public static string? CloneSourceProblem(string value)
    {
        if (!value.StartsWith('/')) return Problem(value);
        if (value.Length > MaxChars) return $"is longer than {MaxChars} characters";
        foreach (var c in value)
            if (char.IsControl(c)) return "contains a control character";
        return value.Split('/').Contains("..") ? "must not contain '..' segments" : null;
    }

    public static string? Problem(string value)
    {
        if (value.Length == 0) return "is empty";
        if (value.Length > MaxChars) return $"is longer than {MaxChars} characters";
        foreach (var c in value)
            if (char.IsControl(c) || char.IsWhiteSpace(c)) return "contains whitespace or a control character";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "is not an absolute http(s) URL";
        if (uri.Host.Length == 0) return "has no host";
        if (uri.UserInfo.Length > 0) return "must not carry credentials";
        return null;
    }
}
