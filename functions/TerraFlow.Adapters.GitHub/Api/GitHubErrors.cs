using System.Net;
using TerraFlow.Core.Vcs;
using Octo = Octokit;

namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>
/// Turns what Octokit throws into the two kinds the workflow understands: <see cref="VcsPermanentException"/> (a 4xx
/// that is not a rate limit: retrying will not help) and <see cref="HttpRequestException"/> (5xx, timeouts, network
/// failures, unreadable answers: the outbox retries with backoff). Rate limits are handled before this, in
/// <see cref="GitHubApi.RunAsync{T}"/>. Messages carry the call's name and GitHub's own error text, never headers, so
/// never a token.
/// </summary>
internal static class GitHubErrors
{
    /// <summary>The exception to throw instead of <paramref name="ex"/>, or null to let it through unchanged.</summary>
    public static Exception? Translate(Exception ex, string what, CancellationToken ct) => ex switch
    {
        // The caller cancelled: that is theirs to see as it is.
        OperationCanceledException when ct.IsCancellationRequested => null,
        // HttpClient reports its own timeout as a cancellation; to the caller it is a transient network failure.
        OperationCanceledException => new HttpRequestException($"GitHub API {what} timed out.", ex),
        Octo.ApiException api => FromStatus(api, what),
        // Octokit's JSON reader failed on a success body: most likely a proxy, outage or maintenance page.
        System.Runtime.Serialization.SerializationException or InvalidCastException or FormatException =>
            new HttpRequestException($"GitHub API {what} returned an unreadable answer.", ex),
        _ => null,
    };

    private static Exception FromStatus(Octo.ApiException ex, string what)
    {
        var status = (int)ex.StatusCode;
        var message = $"GitHub API {what} failed with {status}: {Detail(ex)}";
        if (status is >= 400 and < 500 && status != 429) return new VcsPermanentException(message, status);
        return new HttpRequestException(message, null, ex.StatusCode == 0 ? null : ex.StatusCode);
    }

    /// <summary>GitHub's <c>{"message": …, "errors": [{"message"|"field"+"code"}]}</c>, or a short excerpt of any other body.</summary>
    private static string Detail(Octo.ApiException ex)
    {
        // Octokit puts a body that is not GitHub's JSON (a proxy's HTML page) into the message whole.
        if (ex.ApiError?.Message is { Length: > 0 } message)
        {
            message = Excerpt(message);
            var details = ex.ApiError.Errors?
                .Select(e => e.Message ?? $"{e.Field} {e.Code}")
                .Where(s => !string.IsNullOrWhiteSpace(s))
                .ToList();
            return details is { Count: > 0 } ? $"{message} ({string.Join("; ", details)})" : message;
        }
        var body = ex.HttpResponse?.Body as string ?? "";
        if (body.Length == 0) return ((HttpStatusCode)(int)ex.StatusCode).ToString();
        return Excerpt(body);
    }

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
