using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// Sends one GitLab REST request with the token and turns failures into the two exception kinds the workflow
/// understands: <see cref="VcsPermanentException"/> (4xx but 429: do not retry) and <see cref="HttpRequestException"/>
/// (5xx, 429, network, timeouts: the outbox retries with backoff).
/// </summary>
internal sealed class GitLabHttp(HttpClient http, GitLabOptions options)
{
    public const string TokenHeader = "PRIVATE-TOKEN";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrAbsoluteUrl, HttpContent? content, CancellationToken ct)
    {
        var uri = ResolveUri(pathOrAbsoluteUrl);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
        if (!string.IsNullOrEmpty(options.Token)) request.Headers.TryAddWithoutValidation(TokenHeader, options.Token);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; to the caller it is a transient network failure.
            throw new HttpRequestException($"GitLab API {method} {uri.AbsolutePath} timed out.", ex);
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ToExceptionAsync(method, uri, response, ct).ConfigureAwait(false);
        }
    }

    public async Task<T> SendForJsonAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, content, ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, ct).ConfigureAwait(false);
    }

    public static Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        Http.JsonResponses.ReadAsync(response, type, "GitLab API", ct);

    public static JsonContent Json<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    /// <summary>
    /// The next page: GitLab sends an RFC 8288 <c>Link</c> header and <c>X-Next-Page</c> (empty on the last page);
    /// keyset-paginated or very large lists may carry only one of them, so either works. The Link format is
    /// the same RFC 8288 one GitHub uses, so its reader is shared.
    /// </summary>
    public static string? NextPage(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Link", out var links) && GitHub.GitHubLinkHeader.FindNext(string.Join(",", links)) is { } link)
            return link;
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

    /// <summary>
    /// Relative paths hang off <see cref="GitLabOptions.ApiUrl"/>; absolute ones (pagination links) must stay on the
    /// API host, because the request carries our token and a link elsewhere must not receive it.
    /// </summary>
    private Uri ResolveUri(string pathOrAbsoluteUrl)
    {
        if (!pathOrAbsoluteUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !pathOrAbsoluteUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return options.BuildUri(pathOrAbsoluteUrl);

        var absolute = new Uri(pathOrAbsoluteUrl, UriKind.Absolute);
        var api = options.BuildUri("");
        if (Uri.Compare(absolute, api, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            throw new VcsPermanentException(
                $"GitLab API returned a link to another host ({absolute.Host}); refusing to send the token there.", 0);
        return absolute;
    }

    private static async Task<Exception> ToExceptionAsync(HttpMethod method, Uri uri, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var detail = await ReadErrorMessageAsync(response, ct).ConfigureAwait(false);
        // Only method, path and GitLab's own message go into the text: never headers, so never the token.
        var message = $"GitLab API {method} {uri.AbsolutePath} failed with {status} {response.ReasonPhrase}: {detail}";

        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            return new HttpRequestException(message, null, response.StatusCode);
        if (status >= 400)
            return new VcsPermanentException(message, status);
        // 1xx/3xx that HttpClient did not follow: unexpected, treat as transient.
        return new HttpRequestException(message, null, response.StatusCode);
    }

    /// <summary>GitLab's error text: a string message, a field → messages object (validation), or an "error" string.</summary>
    internal static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return "(no body)";
        }
        try
        {
            var body = JsonSerializer.Deserialize(text, GitLabJsonContext.Default.GitLabErrorBody);
            if (body?.Message is { ValueKind: JsonValueKind.String } s) return s.GetString() ?? "";
            if (body?.Message is { ValueKind: JsonValueKind.Object } fields)
                return string.Join("; ", fields.EnumerateObject().Select(f => $"{f.Name} {FieldErrors(f.Value)}"));
            if (body?.Error is { Length: > 0 } error) return error;
        }
        catch (JsonException)
        {
            // Not GitLab's JSON error shape (e.g. an HTML page from a proxy); fall through to a short excerpt.
        }
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    private static string FieldErrors(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Join(", ", value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()))
        : value.ToString();
}
