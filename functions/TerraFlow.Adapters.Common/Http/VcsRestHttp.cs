using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Http;

/// <summary>
/// What every VCS host's REST client shares: one request with the host's headers and credentials, links that must stay
/// on the API host, JSON in and out, and failures turned into the two exception kinds the workflow understands:
/// <see cref="VcsPermanentException"/> (a 4xx that is not a rate limit: do not retry) and
/// <see cref="HttpRequestException"/> (5xx, 429 and the host's other rate-limit answers, network failures, timeouts:
/// the outbox retries with backoff). A host says how it authenticates, how it reads its error bodies and which other
/// answers are rate limits.
/// </summary>
/// <param name="api">Names the API in messages, e.g. "GitHub API".</param>
/// <param name="buildUri">The absolute URL of a path below the configured API root (which keeps any base path).</param>
internal abstract class VcsRestHttp(HttpClient http, string api, Func<string, Uri> buildUri)
{
    /// <summary>The key under which a transient failure's <see cref="Exception.Data"/> holds the host's Retry-After (a <see cref="TimeSpan"/>).</summary>
    public const string RetryAfterKey = "Vcs.RetryAfter";

    /// <summary>Accept, user agent and credentials (<paramref name="bearer"/> when the caller passes a token).</summary>
    protected abstract void AddHeaders(HttpRequestHeaders headers, string? bearer);

    /// <summary>The host's own error text from a failed answer's body; throw <see cref="JsonException"/> when it is not the host's shape.</summary>
    protected abstract string? ErrorMessage(string body);

    /// <summary>Whether a failed answer clears with time (retried); beyond 5xx and 429, hosts have their own rate-limit answers.</summary>
    protected virtual bool IsTransient(HttpResponseMessage response, string detail) =>
        (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrAbsoluteUrl, HttpContent? content, CancellationToken ct) =>
        SendAsync(method, pathOrAbsoluteUrl, content, bearer: null, ct);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrAbsoluteUrl, HttpContent? content, string? bearer, CancellationToken ct)
    {
        var uri = ResolveUri(pathOrAbsoluteUrl);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        AddHeaders(request.Headers, bearer);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; to the caller it is a transient network failure.
            throw new HttpRequestException($"{api} {method} {uri.AbsolutePath} timed out.", ex);
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ToExceptionAsync(method, uri, response, ct).ConfigureAwait(false);
        }
    }

    public Task<T> SendForJsonAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken ct) =>
        SendForJsonAsync(method, path, content, bearer: null, type, ct);

    public async Task<T> SendForJsonAsync<T>(HttpMethod method, string path, HttpContent? content, string? bearer, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, content, bearer, ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, ct).ConfigureAwait(false);
    }

    public Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        JsonResponses.ReadAsync(response, type, api, ct);

    public static JsonContent Json<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    /// <summary>
    /// The <c>rel="next"</c> target of an RFC 8288 <c>Link</c> header (GitHub and GitLab paginate with it), e.g.
    /// <c>&lt;https://api.github.com/repositories/1/issues/1/comments?page=2&gt;; rel="next", &lt;…&gt;; rel="last"</c>.
    /// </summary>
    public static string? NextLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values) ? NextLink(string.Join(",", values)) : null;

    public static string? NextLink(string header)
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

    /// <summary>
    /// Relative paths hang off the API root; absolute ones (pagination links) must stay on the API host, because the
    /// request carries our credentials and a link elsewhere must not receive them.
    /// </summary>
    private Uri ResolveUri(string pathOrAbsoluteUrl)
    {
        if (!pathOrAbsoluteUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !pathOrAbsoluteUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return buildUri(pathOrAbsoluteUrl);

        var absolute = new Uri(pathOrAbsoluteUrl, UriKind.Absolute);
        if (Uri.Compare(absolute, buildUri(""), UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            throw new VcsPermanentException($"{api} returned a link to another host ({absolute.Host}); refusing to send credentials there.", 0);
        return absolute;
    }

    private async Task<Exception> ToExceptionAsync(HttpMethod method, Uri uri, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var detail = await ReadErrorDetailAsync(response, ct).ConfigureAwait(false);
        // Only method, path and the host's own message go into the text: never headers, so never a token.
        var message = $"{api} {method} {uri.AbsolutePath} failed with {status} {response.ReasonPhrase}: {detail}";

        if (IsTransient(response, detail))
        {
            var transient = new HttpRequestException(message, null, response.StatusCode);
            // A host's Retry-After (429, 503), so a caller that paces its requests can pause as long as the host asked.
            if (response.Headers.RetryAfter is { } retryAfter)
                transient.Data[RetryAfterKey] = retryAfter.Delta ?? (retryAfter.Date is { } at ? at - DateTimeOffset.UtcNow : TimeSpan.Zero);
            return transient;
        }
        if (status >= 400)
            return new VcsPermanentException(message, status);
        // 1xx/3xx that HttpClient did not follow: unexpected, treat as transient.
        return new HttpRequestException(message, null, response.StatusCode);
    }

    private async Task<string> ReadErrorDetailAsync(HttpResponseMessage response, CancellationToken ct)
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
            if (ErrorMessage(text) is { } message) return message;
        }
        catch (JsonException)
        {
            // Not the host's JSON error shape (e.g. an HTML page from a proxy); fall through to a short excerpt.
        }
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
