namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// Reads GitHub's RFC 8288 pagination header, e.g.
/// <c>&lt;https://api.github.com/repositories/1/issues/1/comments?per_page=100&amp;page=2&gt;; rel="next", &lt;…&gt;; rel="last"</c>.
/// </summary>
internal static class GitHubLinkHeader
{
    public static string? FindNext(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values) ? FindNext(string.Join(",", values)) : null;

    public static string? FindNext(string header)
    {
        foreach (var link in header.Split(','))
        {
            var parts = link.Split(';');
            var target = parts[0].Trim();
            if (target.Length < 2 || target[0] != '<' || target[^1] != '>') continue;
            var isNext = parts.Skip(1).Any(p =>
                p.Trim().Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next");
            if (isNext) return target[1..^1];
        }
        return null;
    }
}
