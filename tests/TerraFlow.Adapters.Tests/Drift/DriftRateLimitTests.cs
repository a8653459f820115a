using System.Diagnostics;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;

namespace TerraFlow.Adapters.Tests.Drift;

/// <summary>
/// No storms: 500 projects drifting at once stay within GitHub's secondary limit (80 content-creating requests per
/// minute per installation), measured at the GitHub stand-in on a fake clock; the stand-in also answers like GitHub
/// past 80, so a single 403 would show. And a Retry-After from GitHub pauses the installation's content requests.
/// </summary>
public sealed class DriftRateLimitTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Five_hundred_projects_drifting_at_once_never_exceed_80_content_requests_in_any_minute()
    {
        var clock = new SteppedClock(Start);
        await using var s = await DriftTestSetup.StartAsync("drift_storm", clock, github => github.ContentRequestsPerMinute = 80);
        s.GitHub.AddRepository("acme", "mono");
        var projects = new List<(TerraFlow.Core.Catalog.Repository, TerraFlow.Core.Catalog.Project)>();
        for (var i = 0; i < 500; i++) projects.Add(await s.AddProjectAsync("github", "acme", "mono", $"p{i:000}"));
        var reporter = s.IssueReporter;

        var reports = projects.Select(p => Task.Run(() => reporter.ReportAsync(s.Check(p, DriftState.Drifted, DriftState.Clean), default))).ToList();
        var all = Task.WhenAll(reports);
        // The driver: fake time moves one second at a time while the reports wait for it; bounded so a hang fails.
        var wall = Stopwatch.StartNew();
        while (!all.IsCompleted && wall.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.WhenAny(all, Task.Delay(10));
            if (clock.PendingTimers > 0) clock.Advance(TimeSpan.FromSeconds(1));
        }
        await all;

        var issues = s.GitHub.Issues("acme", "mono");
        Assert.Equal(500, issues.Count);
        Assert.Equal(500, issues.Select(i => i.Title).Distinct().Count());
        var content = s.GitHub.Requests.Where(r => r.Method is "POST" or "PATCH" or "PUT" or "DELETE").OrderBy(r => r.At).ToList();
        Assert.DoesNotContain(content, r => r.ResponseStatus >= 400);
        Assert.Equal(500, content.Count);
        for (var i = 0; i + 80 < content.Count; i++)
            Assert.True(content[i + 80].At - content[i].At >= TimeSpan.FromMinutes(1),
                $"81 content-creating requests within {content[i + 80].At - content[i].At} (from {content[i].At:HH:mm:ss})");
        // Paced, not serialized: 500 requests at 80 a minute take a little over six minutes of (fake) time.
        var span = content[^1].At - content[0].At;
        Assert.InRange(span, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(8));
    }

    [Fact]
    public async Task A_secondary_limit_with_Retry_After_pauses_the_installations_content_requests()
    {
        var clock = new SteppedClock(Start);
        await using var s = await DriftTestSetup.StartAsync("drift_retry_after", clock);
        s.GitHub.AddRepository("acme", "infra");
        var a = await s.AddProjectAsync("github", "acme", "infra", "a");
        var b = await s.AddProjectAsync("github", "acme", "infra", "b");

        // GitHub asks for two minutes: longer than a call waits, so the report fails (the outbox retries it later)...
        s.GitHub.SecondaryRateLimitNextRequests(1, TimeSpan.FromMinutes(2), statusCode: 403);
        await Assert.ThrowsAsync<HttpRequestException>(() => s.IssueReporter.ReportAsync(s.Check(a, DriftState.Drifted, DriftState.Clean), default));

        // ...and every other content request of the installation waits those two minutes instead of being refused too.
        var other = s.IssueReporter.ReportAsync(s.Check(b, DriftState.Drifted, DriftState.Clean), default);
        for (var i = 0; i < 20 && !other.IsCompleted; i++)
        {
            await Task.WhenAny(other, Task.Delay(50));
            Assert.False(other.IsCompleted && clock.GetUtcNow() < Start + TimeSpan.FromMinutes(2), "a content request went out during the pause");
            if (clock.PendingTimers > 0) clock.Advance(TimeSpan.FromSeconds(10));
        }
        await other.WaitAsync(TimeSpan.FromMinutes(1));
        var created = s.GitHub.Requests.Where(r => r.Method == "POST" && r.ResponseStatus == 201).ToList();
        Assert.Single(created);
        Assert.True(created[0].At >= Start + TimeSpan.FromMinutes(2), $"sent at {created[0].At:HH:mm:ss}");
    }

    [Fact]
    public async Task The_limiter_counts_a_request_until_it_finishes_and_waits_on_the_clock()
    {
        var clock = new SteppedClock(Start);
        var limiter = new ContentRequestLimiter(new ContentRateLimitOptions { PerMinute = 2, PerHour = 100 }, clock);
        var slow = new TaskCompletionSource();
        var first = limiter.RunAsync("k", () => slow.Task, default);
        await limiter.RunAsync("k", () => Task.CompletedTask, default);
        // Two slots taken (one still in flight): the third waits even as time passes, until the first finishes...
        var third = limiter.RunAsync("k", () => Task.CompletedTask, default);
        clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        slow.SetResult();
        await first;
        // ...and then until the second (finished at 0:00) leaves the minute: not at 0:59, at 1:00.
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, limiter.InLastMinute("k"));
        // Other keys (installations) have their own budget.
        await limiter.RunAsync("other", () => Task.CompletedTask, default).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
