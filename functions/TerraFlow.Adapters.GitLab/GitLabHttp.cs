using System.Net.Http.Headers;
using System.Text.Json;
using TerraFlow.Adapters.Http;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// GitLab's REST requests (<see cref="VcsRestHttp"/>): the configured token as <c>PRIVATE-TOKEN</c>, GitLab's error
/// bodies, and its second pagination header.
/// </summary>
internal sealed class GitLabHttp(HttpClient http, GitLabOptions options) : VcsRestHttp(http, "GitLab API", options.BuildUri)
{
    public const string TokenHeader = "PRIVATE-TOKEN";

    protected override void AddHeaders(HttpRequestHeaders headers, string? bearer)
    {
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(options.Token)) headers.TryAddWithoutValidation(TokenHeader, options.Token);
    }

    /// <summary>
    /// The next page: GitLab sends an RFC 8288 <c>Link</c> header and <c>X-Next-Page</c> (empty on the last page);
    /// keyset-paginated or very large lists may carry only one of them, so either works.
    /// </summary>
    public static string? NextPage(HttpResponseMessage response)
    {
        if (NextLink(response) is { } link) return link;
        if (!response.Headers.TryGetValues("X-Next-Page", out var pages)) return null;
        var page = pages.FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(page) || !int.TryParse(page, out _) || response.RequestMessage?.RequestUri is not { } current) return null;
        return WithPage(current, page);
    }

    private static string WithPage(Uri current, string page)
    {
        var query = current.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("page=", StringComparison.Ordinal)).Append("page=" + page);
        return new UriBuilder(current) { Query = string.Join('&', query) }.Uri.AbsoluteUri;
    }

    /// <summary>GitLab's error text: a string message, a field → messages object (validation), or an "error" string.</summary>
    protected override string? ErrorMessage(string body)
    {
        var error = JsonSerializer.Deserialize(body, GitLabJsonContext.Default.GitLabErrorBody);
        if (error?.Message is { ValueKind: JsonValueKind.String } s) return s.GetString() ?? "";
        if (error?.Message is { ValueKind: JsonValueKind.Object } fields)
            return string.Join("; ", fields.EnumerateObject().Select(f => $"{f.Name} {FieldErrors(f.Value)}"));
        return error?.Error is { Length: > 0 } text ? text : null;
    }

    private static string FieldErrors(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Join(", ", value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()))
        : value.ToString();
}
