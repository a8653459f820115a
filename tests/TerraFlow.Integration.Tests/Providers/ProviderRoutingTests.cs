using TerraFlow.Adapters.GitLab;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Providers;

/// <summary>
/// A run is served by its own provider's client from start to end: the pull request is read, the plan comment
/// created and edited, and the commit statuses set through the client registered for the run's provider, never
/// through GitHub's. A run of a provider this TerraFlow has no client for fails visibly.
/// </summary>
public sealed class ProviderRoutingTests
{
    private const int Number = 12;
    private static readonly RepoRef Repo = new("acme", "infra");

    [Fact]
    public async Task A_gitlab_run_reads_comments_and_sets_statuses_through_the_gitlab_client()
    {
        using var repo = new TwoProjectRepo();
        var gitlab = new RecordingVcsClient();
        gitlab.AddPullRequest(new PullRequestInfo(Repo, Number, repo.HeadSha, repo.BaseSha, "feature", "main", repo.Git.CloneUrl, "gl-dev", Open: true, Merged: false));
        await using var host = await ProvidersTestHost.StartAsync(services: s => s.AddVcsProvider(GitLabHost.Provider, _ => gitlab));

        await AddPlanCommandAsync(host.Database, "gitlab", "delivery-gl-1");

        var finals = await Eventually.ValueAsync(
            () => gitlab.Statuses.Where(s => s.Sha == repo.HeadSha && s.Status.State != CommitState.Pending).ToList(),
            s => s.Count >= 2, what: "two final statuses through the gitlab client");
        Assert.Equal(["terraflow/plan: app", "terraflow/plan: network"], finals.Select(s => s.Status.Context).Order());
        Assert.All(finals, s => Assert.Equal(CommitState.Success, s.Status.State));
        Assert.Contains(gitlab.Statuses, s => s.Status.State == CommitState.Pending);

        // The one plan comment lives on the merge request, through the same client, and shows both plans.
        var comment = await Eventually.ValueAsync(() => gitlab.CommentBodies(Repo, Number), c => c.Count == 1 && c[0].Contains("network") && c[0].Contains("app") && c[0].Contains("2 to add"),
            what: "the plan comment on the gitlab merge request");
        Assert.Single(comment);
        Assert.Contains("get_pr acme/infra#12", gitlab.Calls);

        // Stored with its provider, and nothing was left undelivered (GitHub's API is a closed port here: any
        // status or comment sent there would have failed and stayed on record).
        await using var conn = await host.Database.OpenConnectionAsync();
        Assert.Equal("gitlab", await ScalarAsync<string>(conn, "select provider from runs"));
        Assert.Equal(0L, await ScalarAsync<long>(conn, "select count(*) from jobs where spec->>'provider' is distinct from 'gitlab'"));
        await Eventually.ValueAsync(() => ScalarAsync<long>(conn, "select count(*) from outbox where status <> 'done'"), n => n == 0, what: "every outbox row delivered");
        Assert.Equal(0L, await ScalarAsync<long>(conn, "select count(*) from outbox where last_error is not null"));
        Assert.Equal(0L, await ScalarAsync<long>(conn, "select count(*) from outbox where kind = 'set_status' and payload->>'provider' is distinct from 'gitlab'"));
    }

    [Fact]
    public async Task A_run_for_an_unconfigured_provider_fails_visibly_and_talks_to_no_other_host()
    {
        var gitlab = new RecordingVcsClient();
        await using var host = await ProvidersTestHost.StartAsync(services: s => s.AddVcsProvider(GitLabHost.Provider, _ => gitlab));

        await AddPlanCommandAsync(host.Database, "bitbucket", "delivery-bb-1");

        await using var conn = await host.Database.OpenConnectionAsync();
        var error = await Eventually.ValueAsync<string?>(() => ScalarAsync<string?>(conn, "select last_error from workflow_inbox where payload->>'deliveryId' = 'delivery-bb-1'"),
            e => e is not null, what: "the inbox item's recorded error");
        Assert.Contains("'bitbucket' is not configured", error);
        Assert.Equal(0L, await ScalarAsync<long>(conn, "select count(*) from runs"));
        Assert.Empty(gitlab.Calls);
    }

    private static async Task AddPlanCommandAsync(NpgsqlDataSource db, string provider, string deliveryId)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await InboxRepository.AddAsync(conn, tx,
            new PlanCommandReceived(new PullRequestAddress(provider, Repo, Number), null, "gl-dev", deliveryId), CancellationToken.None);
        await tx.CommitAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }
}
