using System.Globalization;
using Octo = Octokit;

namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>Which of GitHub's rate limits an answer reports.</summary>
public enum GitHubRateLimitKind
{
    /// <summary>The hourly request budget is spent (x-ratelimit-remaining: 0); it refills at x-ratelimit-reset.</summary>
    Primary,

    /// <summary>Too many requests too fast, or too much concurrency; GitHub says how long to wait in Retry-After.</summary>
    Secondary,
}

/// <summary>A rate-limit answer and how long GitHub asks us to wait before the same request can succeed.</summary>
public sealed record GitHubRateLimit(GitHubRateLimitKind Kind, TimeSpan Wait, int StatusCode)
{
    /// <summary>GitHub's advice when a rate-limit answer says nothing of when to retry: wait at least a minute.</summary>
    public static readonly TimeSpan UnknownWait = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads GitHub's documented rate-limit signals from a 403 or 429 (GitHub uses both): a Retry-After header (seconds
    /// or an HTTP date) is a secondary limit; x-ratelimit-remaining: 0 is the primary limit, which clears at
    /// x-ratelimit-reset (epoch seconds, measured against the answer's own Date so our clock's skew does not matter).
    /// Failing those, Octokit's reading of the body ("rate limit exceeded", "secondary rate limit") or a bare 429 is a
    /// limit of unknown length. Anything else (a plain 403 is a permission problem) is null.
    /// </summary>
    public static GitHubRateLimit? From(Octo.ApiException ex, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var status = (int)ex.StatusCode;
        if (status is not (403 or 429)) return null;
        var headers = ex.HttpResponse?.Headers;
        string? Header(string name) =>
            headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

        if (Header("Retry-After") is { } retryAfter && ParseRetryAfter(retryAfter, now) is { } wait)
            return new GitHubRateLimit(GitHubRateLimitKind.Secondary, wait, status);

        if (Header("X-RateLimit-Remaining") == "0")
        {
            if (!long.TryParse(Header("X-RateLimit-Reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
                return new GitHubRateLimit(GitHubRateLimitKind.Primary, UnknownWait, status);
            var serverNow = DateTimeOffset.TryParse(Header("Date"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : now;
            return new GitHubRateLimit(GitHubRateLimitKind.Primary, NotNegative(DateTimeOffset.FromUnixTimeSeconds(reset) - serverNow), status);
        }

        return ex switch
        {
            Octo.RateLimitExceededException => new GitHubRateLimit(GitHubRateLimitKind.Primary, UnknownWait, status),
            Octo.SecondaryRateLimitExceededException or Octo.AbuseException => new GitHubRateLimit(GitHubRateLimitKind.Secondary, UnknownWait, status),
            _ when status == 429 => new GitHubRateLimit(GitHubRateLimitKind.Secondary, UnknownWait, status),
            _ => null,
        };
    }

    private static TimeSpan? ParseRetryAfter(string value, DateTimeOffset now)
    {
        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? NotNegative(at - now) : null;
    }

    private static TimeSpan NotNegative(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
}
