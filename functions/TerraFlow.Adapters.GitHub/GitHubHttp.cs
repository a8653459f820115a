using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// Sends one GitHub REST request with the standard headers and turns failures into the two exception kinds
/// the workflow understands: <see cref="VcsPermanentException"/> (do not retry) and
/// <see cref="HttpRequestException"/> (transient; the outbox retries with backoff).
/// </summary>
internal sealed class GitHubHttp(HttpClient http, GitHubOptions options)
{
    public const string ApiVersion = "2022-11-28";

    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string pathOrAbsoluteUrl, HttpContent? content, string? bearer, CancellationToken ct)
    {
        var uri = ResolveUri(pathOrAbsoluteUrl);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
        if (!string.IsNullOrEmpty(bearer))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; to the caller it is a transient network failure.
            throw new HttpRequestException($"GitHub API {method} {uri.AbsolutePath} timed out.", ex);
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ToExceptionAsync(method, uri, response, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Relative paths hang off <see cref="GitHubOptions.ApiUrl"/>; absolute ones (pagination links) must stay on the
    /// API host, because the request carries our token and a redirected link must not leak it elsewhere.
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
                $"GitHub API returned a link to another host ({absolute.Host}); refusing to send credentials there.", 0);
        return absolute;
    }

    public async Task<T> SendForJsonAsync<T>(
        HttpMethod method, string path, HttpContent? content, string? bearer, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, content, bearer, ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, ct).ConfigureAwait(false);
    }

    public static Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        Http.JsonResponses.ReadAsync(response, type, "GitHub API", ct);

    public static JsonContent Json<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    private static async Task<Exception> ToExceptionAsync(HttpMethod method, Uri uri, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var detail = await ReadErrorMessageAsync(response, ct).ConfigureAwait(false);
        // Only method, path and GitHub's own message go into the text: never headers, so never the token.
        var message = $"GitHub API {method} {uri.AbsolutePath} failed with {status} {response.ReasonPhrase}: {detail}";

        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || IsRateLimited(response, detail))
            return new HttpRequestException(message, null, response.StatusCode);
        if (status >= 400)
            return new VcsPermanentException(message, status);
        // 1xx/3xx that HttpClient did not follow: unexpected, treat as transient.
        return new HttpRequestException(message, null, response.StatusCode);
    }

    /// <summary>GitHub answers 403 (not 429) for primary and secondary rate limits; those clear with time.</summary>
    private static bool IsRateLimited(HttpResponseMessage response, string detail)
    {
        if (response.StatusCode != HttpStatusCode.Forbidden) return false;
        if (response.Headers.TryGetValues("X-RateLimit-Remaining", out var remaining) && remaining.FirstOrDefault() == "0")
            return true;
        return response.Headers.RetryAfter is not null
            || detail.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
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
            var body = JsonSerializer.Deserialize(text, GitHubJsonContext.Default.GitHubErrorBody);
            if (body?.Message is { } msg)
            {
                var details = body.Errors?.Select(e => e.Message ?? $"{e.Field} {e.Code}").Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
                return details is { Count: > 0 } ? $"{msg} ({string.Join("; ", details)})" : msg;
            }
        }
        catch (JsonException)
        {
            // Not GitHub's JSON error shape (e.g. an HTML page from a proxy); fall through to a short excerpt.
        }
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
