using System.Net;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>
/// Failures: the outbox retries <see cref="HttpRequestException"/> with backoff and gives up at once on
/// <see cref="VcsPermanentException"/>. A provider that mixes these up either hammers the host with hopeless requests
/// or silently drops a comment or status that a retry would have delivered.
/// </summary>
public abstract partial class VcsClientCompliance
{
    [Fact]
    public async Task An_unknown_pull_request_is_a_permanent_404()
    {
        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => Client.GetPullRequestAsync(Repo, 404, Ct));
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task Listing_or_commenting_on_an_unknown_pull_request_is_a_permanent_404()
    {
        Assert.Equal(404, (await Assert.ThrowsAsync<VcsPermanentException>(() => Client.ListCommentsAsync(Repo, 404, Ct))).StatusCode);
        Assert.Equal(404, (await Assert.ThrowsAsync<VcsPermanentException>(() => Client.CreateCommentAsync(Repo, 404, "x", Ct))).StatusCode);
    }

    [Fact]
    public async Task Updating_a_comment_that_does_not_exist_is_a_permanent_404()
    {
        // E.g. someone deleted TerraFlow's status comment; the workflow then posts a new one instead of retrying.
        Fixture.AddPullRequest(30, HeadSha, BaseSha, "dana");

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(
            () => Client.UpdateCommentAsync(Repo, Fixture.UnknownCommentId(30), "x", Ct));
        Assert.Equal(404, ex.StatusCode);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_server_error_or_rate_limit_is_retryable_and_the_retry_succeeds(int status)
    {
        Fixture.AddPullRequest(31, HeadSha, BaseSha, "dana");
        Fixture.FailNextRequests(1, status);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Client.GetPullRequestAsync(Repo, 31, Ct));
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);

        Assert.Equal(HeadSha, (await Client.GetPullRequestAsync(Repo, 31, Ct)).HeadSha);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_failed_write_is_retryable_and_left_nothing_behind(int status)
    {
        Fixture.AddPullRequest(32, HeadSha, BaseSha, "dana");

        Fixture.FailNextRequests(1, status);
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.CreateCommentAsync(Repo, 32, "hello", Ct));
        Fixture.FailNextRequests(1, status);
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.SetCommitStatusAsync(Repo, StatusSha,
            new CommitStatus("ctx", CommitState.Pending, "Plan running", null), Ct));

        Assert.Empty(await Client.ListCommentsAsync(Repo, 32, Ct));
        Assert.Empty(Fixture.Statuses(StatusSha));
    }

    [Fact]
    public async Task A_server_error_while_updating_a_comment_is_retryable()
    {
        Fixture.AddPullRequest(33, HeadSha, BaseSha, "dana");
        var id = await Client.CreateCommentAsync(Repo, 33, "before", Ct);
        Fixture.FailNextRequests(1, 502);

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.UpdateCommentAsync(Repo, id, "after", Ct));

        await Client.UpdateCommentAsync(Repo, id, "after", Ct);
        Assert.Equal("after", Assert.Single(await Client.ListCommentsAsync(Repo, 33, Ct)).Body);
    }

    [Fact]
    public async Task A_server_error_while_checking_access_is_not_read_as_no_access()
    {
        // Treating an outage as "no permission" or "not in the team" would wrongly refuse an apply or an approval.
        Fixture.Grant("dana", HostRole.Admin);
        Fixture.AddTeamMember("dana");

        Fixture.FailNextRequests(1, 503);
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.GetPermissionAsync(Repo, "dana", Ct));
        Fixture.FailNextRequests(1, 503);
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.IsTeamMemberAsync(Repo, Fixture.Team, "dana", Ct));
    }

    [Fact]
    public async Task A_server_error_while_listing_comments_is_retryable()
    {
        Fixture.AddPullRequest(34, HeadSha, BaseSha, "dana");
        Fixture.FailNextRequests(1, 500);

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.ListCommentsAsync(Repo, 34, Ct));
    }

    [Fact]
    public async Task Rejected_credentials_are_permanent()
    {
        Fixture.AddPullRequest(35, HeadSha, BaseSha, "dana");
        Fixture.FailNextRequests(1, 401);

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(() => Client.GetPullRequestAsync(Repo, 35, Ct));
        Assert.Equal(401, ex.StatusCode);
    }
}
