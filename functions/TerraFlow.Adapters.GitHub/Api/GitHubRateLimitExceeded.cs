using System.Globalization;
using System.Net;

namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>
/// The failure of a call whose rate limit asks for a longer wait than a call may spend (or that was limited again after
/// its retries): an <see cref="HttpRequestException"/> with GitHub's status, so the outbox retries it with backoff like
/// any transient failure. The message says which limit, for how long, and which setting allows a longer wait.
/// </summary>
public static class GitHubRateLimitExceeded
{
    /// <summary>The key under which <see cref="Exception.Data"/> holds the wait GitHub asked for (a <see cref="TimeSpan"/>).</summary>
    public const string WaitKey = "GitHub.RateLimitWait";

    public static HttpRequestException Create(string what, GitHubRateLimit limit, TimeSpan maxWait, int retries)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var kind = limit.Kind == GitHubRateLimitKind.Primary ? "primary rate limit (request budget spent)" : "secondary rate limit";
        var wait = limit.Wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        var why = limit.Wait > maxWait
            ? $"GitHub asks to wait {wait} s, longer than the {maxWait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s a call waits (TerraFlow__GitHub__RateLimitMaxWaitSeconds)"
            : $"still limited after {retries} waits (TerraFlow__GitHub__RateLimitRetries)";
        var ex = new HttpRequestException($"GitHub API {what} hit GitHub's {kind} ({limit.StatusCode}): {why}; retry later.",
            null, (HttpStatusCode)limit.StatusCode);
        ex.Data[WaitKey] = limit.Wait;
        return ex;
    }
}
