using System.Globalization;
using System.Net;

namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>
/// GitHub's rate limit asks for a longer wait than a call may spend (or the call was limited again after its retries).
/// An <see cref="HttpRequestException"/> with GitHub's status, so the outbox retries it with backoff like any transient
/// failure; the message says which limit, for how long, and which setting allows a longer wait inside a call.
/// </summary>
public sealed class GitHubRateLimitException(string what, GitHubRateLimit limit, TimeSpan maxWait, int retries)
    : HttpRequestException(Describe(what, limit, maxWait, retries), null, (HttpStatusCode)limit.StatusCode)
{
    public GitHubRateLimit Limit { get; } = limit;

    private static string Describe(string what, GitHubRateLimit limit, TimeSpan maxWait, int retries)
    {
        var kind = limit.Kind == GitHubRateLimitKind.Primary ? "primary rate limit (request budget spent)" : "secondary rate limit";
        var wait = limit.Wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        var why = limit.Wait > maxWait
            ? $"asks to wait {wait} s, longer than the {maxWait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s a call waits (TerraFlow__GitHub__RateLimitMaxWaitSeconds)"
            : $"still limited after {retries} waits (TerraFlow__GitHub__RateLimitRetries)";
        return $"GitHub API {what} hit GitHub's {kind} ({limit.StatusCode}): GitHub {why}; retry later.";
    }
}
