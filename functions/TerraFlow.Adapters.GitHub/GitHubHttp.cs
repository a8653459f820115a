using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TerraFlow.Adapters.Http;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// GitHub's REST requests (<see cref="VcsRestHttp"/>): its media type and API version, a bearer token per request
/// (installation, App JWT or configured token), its error bodies, and its 403 rate-limit answers.
/// </summary>
internal sealed class GitHubHttp(HttpClient http, GitHubOptions options) : VcsRestHttp(http, "GitHub API", options.BuildUri)
{
    public const string ApiVersion = "2022-11-28";

    protected override void AddHeaders(HttpRequestHeaders headers, string? bearer)
    {
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        headers.Add("X-GitHub-Api-Version", ApiVersion);
        if (!string.IsNullOrEmpty(bearer)) headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
    }

    /// <summary>GitHub answers 403 (not 429) for primary and secondary rate limits; those clear with time.</summary>
    protected override bool IsTransient(HttpResponseMessage response, string detail)
    {
        if (base.IsTransient(response, detail)) return true;
        if (response.StatusCode != HttpStatusCode.Forbidden) return false;
        if (response.Headers.TryGetValues("X-RateLimit-Remaining", out var remaining) && remaining.FirstOrDefault() == "0")
            return true;
        return response.Headers.RetryAfter is not null
            || detail.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>GitHub's <c>{"message": …, "errors": [{"message"|"field"+"code"}]}</c>.</summary>
    protected override string? ErrorMessage(string body)
    {
        var error = JsonSerializer.Deserialize(body, GitHubJsonContext.Default.GitHubErrorBody);
        if (error?.Message is not { } message) return null;
        var details = error.Errors?.Select(e => e.Message ?? $"{e.Field} {e.Code}").Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        return details is { Count: > 0 } ? $"{message} ({string.Join("; ", details)})" : message;
    }
}
