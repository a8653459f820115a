using System.Globalization;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>
/// Failure answers in GitHub's documented form (REST API "Rate limits": a primary limit is 403 or 429 with
/// x-ratelimit-remaining 0 and x-ratelimit-reset in UTC epoch seconds; a secondary limit is 403 or 429, with
/// retry-after in seconds when GitHub knows how long to wait).
/// </summary>
internal static class FakeGitHubFaults
{
    private const string RateLimitDocs = "/overview/rate-limits-for-the-rest-api";

    public static string Epoch(DateTimeOffset at) =>
        // Rounded up: the limit is never reported as lifted before it is.
        ((long)Math.Ceiling(at.ToUnixTimeMilliseconds() / 1000.0)).ToString(CultureInfo.InvariantCulture);

    public static FakeResponse For(int status, DateTimeOffset now) => status switch
    {
        429 => SecondaryRateLimit(429, TimeSpan.FromSeconds(60)),
        403 => PrimaryRateLimit(403, now, TimeSpan.FromHours(1)),
        >= 500 => new FakeResponse(status, FakeGitHubResponses.Error(status, "Server Error")),
        _ => new FakeResponse(status, FakeGitHubResponses.Error(status, "Injected failure")),
    };

    public static FakeResponse PrimaryRateLimit(int status, DateTimeOffset now, TimeSpan resetIn) => new(status,
        FakeGitHubResponses.Error(status,
            "API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.",
            RateLimitDocs),
        new Dictionary<string, string>
        {
            ["X-RateLimit-Limit"] = "5000",
            ["X-RateLimit-Remaining"] = "0",
            ["X-RateLimit-Used"] = "5000",
            ["X-RateLimit-Reset"] = Epoch(now + resetIn),
            ["X-RateLimit-Resource"] = "core",
        });

    public static FakeResponse SecondaryRateLimit(int status, TimeSpan retryAfter) => new(status,
        FakeGitHubResponses.Error(status,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
            RateLimitDocs),
        new Dictionary<string, string> { ["Retry-After"] = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture) });
}
