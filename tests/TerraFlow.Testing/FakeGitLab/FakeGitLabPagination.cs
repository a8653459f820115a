using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TerraFlow.Testing.FakeGitLab;

/// <summary>GitLab's offset pagination: <c>page</c>/<c>per_page</c> (default 20, max 100) and the X-* and Link headers.</summary>
internal static class Pagination
{
    public static (int Page, int PerPage) Read(HttpRequest request)
    {
        var page = int.TryParse(request.Query["page"], CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var perPage = int.TryParse(request.Query["per_page"], CultureInfo.InvariantCulture, out var pp) && pp > 0 ? Math.Min(pp, 100) : 20;
        return (page, perPage);
    }

    public static Dictionary<string, string> Headers(HttpRequest request, int page, int perPage, int total)
    {
        var totalPages = Math.Max(1, (total + perPage - 1) / perPage);
        var headers = new Dictionary<string, string>
        {
            ["X-Page"] = Text(page),
            ["X-Per-Page"] = Text(perPage),
            ["X-Total"] = Text(total),
            ["X-Total-Pages"] = Text(totalPages),
            // Empty on the last (first) page, exactly as GitLab sends it.
            ["X-Next-Page"] = page < totalPages ? Text(page + 1) : "",
            ["X-Prev-Page"] = page > 1 ? Text(page - 1) : "",
        };
        var links = new List<string>();
        if (page > 1) links.Add($"<{PageUrl(request, page - 1, perPage)}>; rel=\"prev\"");
        if (page < totalPages) links.Add($"<{PageUrl(request, page + 1, perPage)}>; rel=\"next\"");
        links.Add($"<{PageUrl(request, 1, perPage)}>; rel=\"first\"");
        links.Add($"<{PageUrl(request, totalPages, perPage)}>; rel=\"last\"");
        headers["Link"] = string.Join(", ", links);
        return headers;
    }

    private static string PageUrl(HttpRequest request, int page, int perPage)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var path = raw.Split('?')[0];
        var query = request.Query.Where(q => q.Key is not ("page" or "per_page"))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Prepend($"per_page={Text(perPage)}").Prepend($"page={Text(page)}");
        return $"{request.Scheme}://{request.Host}{path}?{string.Join('&', query)}";
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
