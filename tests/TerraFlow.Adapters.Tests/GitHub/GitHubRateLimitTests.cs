using System.Diagnostics;
using System.Net;
using TerraFlow.Adapters.GitHub.Api;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>
/// GitHub's primary and secondary rate limits (403 or 429) against FakeGitHub, in real time: a short wait is sat out
/// inside the call and the request repeated; a long one fails at once, transiently, with a message that says why.
/// </summary>
public class GitHubRateLimitTests
{
    private static readonly RepoRef Repo = new("acme", "infra");
    private const string HeadSha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private static CancellationToken Ct => CancellationToken.None;

    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    public async Task A_primary_limit_that_resets_a_second_ahead_is_waited_out(int status)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.RateLimitNextRequests(1, resetIn: TimeSpan.FromSeconds(1), statusCode: status);

        var clock = Stopwatch.StartNew();
        var pr = await gh.Client.GetPullRequestAsync(Repo, 7, Ct);

        Assert.Equal(HeadSha, pr.HeadSha);
        // x-ratelimit-reset is whole seconds, at least one after the answer's Date: the retry came after it.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed}");
        Assert.Equal([status, 200], gh.Server.Requests.Select(r => r.ResponseStatus));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(403)]
    public async Task A_secondary_limit_with_retry_after_one_second_is_waited_out_and_writes_once(int status)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.SecondaryRateLimitNextRequests(1, retryAfter: TimeSpan.FromSeconds(1), statusCode: status);

        var clock = Stopwatch.StartNew();
        var id = await gh.Client.CreateCommentAsync(Repo, 7, "Plan: 1 to add", Ct);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}");
        Assert.Equal(id, Assert.Single(gh.Server.Comments("acme", "infra", 7)).Id);
        Assert.Equal([status, 201], gh.Server.Requests.Select(r => r.ResponseStatus));
    }

    [Fact]
    public async Task A_primary_limit_an_hour_away_fails_at_once_with_a_clear_transient_error()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.RateLimitNextRequests(1, resetIn: TimeSpan.FromHours(1));

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => gh.Client.SetCommitStatusAsync(Repo, HeadSha,
            new CommitStatus("terraflow/plan: dev", CommitState.Pending, "Planning", null), Ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Contains("primary rate limit", ex.Message);
        Assert.Contains("longer than the 10 s a call waits", ex.Message);
        Assert.Contains("TerraFlow__GitHub__RateLimitMaxWaitSeconds", ex.Message);
        Assert.InRange((TimeSpan)ex.Data[GitHubRateLimitExceeded.WaitKey]!, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.DoesNotContain(gh.Server.Token, ex.ToString());
        Assert.Single(gh.Server.Requests);
        Assert.Empty(gh.Server.Statuses);
    }

    [Fact]
    public async Task A_secondary_limit_longer_than_the_configured_wait_fails_at_once()
    {
        await using var gh = await GitHubTestSetup.StartAsync(configure: o => o.RateLimitMaxWaitSeconds = 2);
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.SecondaryRateLimitNextRequests(1, retryAfter: TimeSpan.FromSeconds(3));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => gh.Client.ListCommentsAsync(Repo, 7, Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Contains("secondary rate limit", ex.Message);
        Assert.Contains("GitHub asks to wait 3 s, longer than the 2 s a call waits", ex.Message);
        Assert.Single(gh.Server.Requests);
    }

    [Fact]
    public async Task Waits_are_bounded_in_number_too()
    {
        await using var gh = await GitHubTestSetup.StartAsync(configure: o => o.RateLimitRetries = 2);
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.SecondaryRateLimitNextRequests(10, retryAfter: TimeSpan.Zero);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => gh.Client.GetPullRequestAsync(Repo, 7, Ct));

        Assert.Contains("still limited after 2 waits", ex.Message);
        Assert.Equal(3, gh.Server.Requests.Count);
    }

    [Fact]
    public async Task Cancelling_during_a_rate_limit_wait_ends_the_call_promptly()
    {
        await using var gh = await GitHubTestSetup.StartAsync(configure: o => o.RateLimitMaxWaitSeconds = 60);
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.SecondaryRateLimitNextRequests(1, retryAfter: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gh.Client.GetPullRequestAsync(Repo, 7, cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Single(gh.Server.Requests);
    }

    [Fact]
    public async Task Cancelling_aborts_a_request_in_flight()
    {
        // Octokit's methods take no token; the caller's still reaches the HTTP request.
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gh.Server.BeforeRequest = (_, _) => hold.Task;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gh.Client.CreateCommentAsync(Repo, 7, "x", cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        hold.SetResult();
    }

    [Fact]
    public async Task The_installation_token_exchange_waits_out_a_short_limit_too()
    {
        using var key = new TestAppKey();
        await using var gh = await GitHubTestSetup.StartAsync(
            new FakeGitHubOptions { AppId = TestAppKey.AppId, AppPublicKey = key.PublicKey },
            o => { o.AppId = TestAppKey.AppId; o.PrivateKeyPath = key.PrivateKeyPath; o.Token = null; });
        gh.Server.SecondaryRateLimitNextRequests(1, retryAfter: TimeSpan.FromSeconds(1), statusCode: 403);

        var token = await gh.Client.GetCloneTokenAsync(Repo with { InstallationId = 5 }, Ct);

        Assert.StartsWith("ghs_", token);
        Assert.Equal(1, gh.Server.InstallationTokenRequests(5));
        Assert.Equal([403, 201], gh.Server.Requests.Select(r => r.ResponseStatus));
    }
}
