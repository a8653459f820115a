using System.Net;
using Npgsql;
using TerraFlow.Adapters.Postgres.Embedded;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.DisasterRecovery;

/// <summary>
/// The disaster-recovery drill of bicep/README.md ("The drill"), end to end on real PostgreSQL: TerraFlow runs in a
/// "primary region" (the shared test cluster + an artifact folder) until one pull request is fully planned and a
/// second is interrupted mid-plan; the region "fails" (host stopped); the database is backed up with pg_dump and the
/// artifact folder copied; both are restored into a separate cluster and folder (the "secondary region"), TerraFlow
/// starts there, and the data must be intact and the interrupted run must finish exactly once. The GitHub stand-in
/// plays the VCS host, which did not fail over.
/// </summary>
public sealed class DisasterRecoveryDrillTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int FinishedPr = 31;
    private const int InterruptedPr = 32;
    private static readonly Dictionary<string, string> ShortLease = new() { ["TerraFlow:Queue:LeaseDuration"] = "00:00:03" };

    private readonly HttpClient _http = new();
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "terraflow-drill-" + Guid.NewGuid().ToString("N")[..8]);
    private FakeGitHubServer _github = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workDir);
        _github = await FakeGitHubServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { } // best effort: temp files
    }

    [Fact]
    public async Task Backup_and_restore_into_a_new_cluster_keeps_runs_audit_and_plans_and_the_interrupted_run_resumes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        // Both pull requests touch the same projects; locks taken at plan time would queue the second behind the first.
        // This drill is about backup and restore, so locks are taken at apply time here.
        using var repo = new TwoProjectRepo("version: 1\nlock: apply\n");
        // The second pull request's network plan is slow, so the outage hits while it runs.
        repo.Git.Write("network/.standin/behavior.json", "{\"plan_delay_ms\": 4000}");
        var interruptedHead = repo.Git.Commit("slow network plan");
        _github.AddPullRequest(Owner, Repo, FinishedPr, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        _github.AddPullRequest(Owner, Repo, InterruptedPr, interruptedHead, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);

        // 1. Primary region: one run finished, one interrupted mid-plan.
        var primaryDb = await PostgresTestCluster.Shared.CreateDatabaseAsync("drill_primary");
        var primaryArtifacts = Path.Combine(_workDir, "primary-artifacts");
        await using (var primary = await TerraFlowTestHost.StartAsync(primaryDb, _github, primaryArtifacts, ShortLease))
        {
            await SendPullRequestAsync(primary, FinishedPr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl);
            await WaitForBothProjectsAsync(repo.HeadSha, "the first pull request planned on the primary");
            await Eventually.ValueAsync(() => _github.Comments(Owner, Repo, FinishedPr).Count, n => n == 1, what: "the first pull request's comment");
            await Eventually.ValueAsync(() => GitHubPullRequestTests.Scalar(primary, "select count(*) from outbox where status = 'pending'"), n => (long)n! == 0, what: "outbox drained");

            await SendPullRequestAsync(primary, InterruptedPr, interruptedHead, repo.BaseSha, repo.Git.CloneUrl);
            // Stop when app's plan is recorded and network's is still running: a half-finished run, with artifacts.
            await Eventually.ValueAsync(
                () => GitHubPullRequestTests.Scalar(primary,
                    $"select count(*) from project_runs p join runs r on r.id = p.run_id where r.pr_number = {InterruptedPr} and p.name = 'app' and p.status = 'planned'" +
                    $" and exists (select 1 from jobs j where j.run_id = r.id and j.project_name = 'network' and j.status = 'leased')"),
                n => (long)n! == 1, what: "the second pull request half planned on the primary (app planned, network running)");
        } // "region outage": the host is gone; its database and folder stay reachable only for the backup and the comparison.

        var firstCommentBefore = Assert.Single(_github.Comments(Owner, Repo, FinishedPr));
        Assert.Equal("leased", await ScalarAsync(primaryDb, $"select j.status from jobs j join runs r on r.id = j.run_id where r.pr_number = {InterruptedPr} and j.project_name = 'network'"));

        // 2. Backup: pg_dump of the database, a file-level copy of the artifact folder.
        var dumpFile = Path.Combine(_workDir, "terraflow.dump");
        await PostgresDumpTools.DumpAsync(primaryDb, dumpFile, ct);
        var backupArtifacts = Path.Combine(_workDir, "artifacts-backup");
        ArtifactFolderBackup.Copy(primaryArtifacts, backupArtifacts);

        // 3. Restore into a separate cluster (the secondary region) and a new artifact folder.
        await using var secondaryCluster = await EmbeddedPostgres.StartAsync(EmbeddedPostgresOptions.ForTests(), logger: null, ct);
        var restoredDb = await CreateDatabaseAsync(secondaryCluster, "terraflow_restored", ct);
        await PostgresDumpTools.RestoreAsync(dumpFile, restoredDb, ct);
        var restoredArtifacts = Path.Combine(_workDir, "secondary-artifacts");
        ArtifactFolderBackup.Copy(backupArtifacts, restoredArtifacts);

        // The restored copy is the primary's data, row for row, before anything runs on it.
        var atOutage = await DatabaseSnapshot.TakeAsync(primaryDb, ct);
        var restored = await DatabaseSnapshot.TakeAsync(restoredDb, ct);
        AssertSameData(atOutage, restored);
        var primaryHashes = ArtifactFolderBackup.Hashes(primaryArtifacts);
        Assert.NotEmpty(primaryHashes);
        Assert.Equal(primaryHashes, ArtifactFolderBackup.Hashes(restoredArtifacts));
        Assert.Equal(3, await AssertPlanFilesMatchTheirHashesAsync(restoredDb, restoredArtifacts)); // both of the first PR's projects + app of the second

        // 4. TerraFlow in the secondary region, on the restored database and folder; the runner is in-process.
        await using var secondary = await TerraFlowTestHost.StartAsync(restoredDb, _github, restoredArtifacts, ShortLease);

        // 5. The interrupted run finishes there, exactly once.
        var final = await WaitForBothProjectsAsync(interruptedHead, "the interrupted run finished on the secondary", TimeSpan.FromSeconds(60));
        Assert.Equal(2, final.Count);
        Assert.All(final, s => Assert.Equal("success", s.State));
        await Eventually.ValueAsync(() => GitHubPullRequestTests.Scalar(secondary, "select count(*) from outbox where status = 'pending'"), n => (long)n! == 0, what: "outbox drained on the secondary");
        var comment = Assert.Single(_github.Comments(Owner, Repo, InterruptedPr));
        // Both projects are in it: app's plan text comes from the restored store, network's from the plan run there.
        Assert.NotEmpty(CommentTable.Row(comment.Body, "network"));
        Assert.NotEmpty(CommentTable.Row(comment.Body, "app"));
        var interruptedRun = (long)(await GitHubPullRequestTests.Scalar(secondary, $"select id from runs where pr_number = {InterruptedPr}"))!;
        Assert.Equal(1L, await GitHubPullRequestTests.Scalar(secondary, $"select count(*) from jobs where run_id = {interruptedRun} and kind = 'discover'"));
        Assert.Equal(2L, await GitHubPullRequestTests.Scalar(secondary, $"select count(*) from jobs where run_id = {interruptedRun} and kind = 'plan'"));
        Assert.Equal(2L, await GitHubPullRequestTests.Scalar(secondary, $"select count(distinct project_name) from jobs where run_id = {interruptedRun} and kind = 'plan'"));
        // The plan lost in the outage ran a second time; the one that had finished did not.
        Assert.Equal(2, await GitHubPullRequestTests.Scalar(secondary, $"select attempts from jobs where run_id = {interruptedRun} and project_name = 'network'"));
        Assert.Equal(1, await GitHubPullRequestTests.Scalar(secondary, $"select attempts from jobs where run_id = {interruptedRun} and project_name = 'app'"));
        Assert.Equal("planned", await GitHubPullRequestTests.Scalar(secondary, $"select status from runs where id = {interruptedRun}"));

        // The finished pull request was left alone: same comment, not re-posted or re-edited, no new statuses.
        var firstCommentAfter = Assert.Single(_github.Comments(Owner, Repo, FinishedPr));
        Assert.Equal(firstCommentBefore, firstCommentAfter);
        Assert.Equal(2, _github.Statuses.Count(s => s.Sha == repo.HeadSha && s.State == "success"));

        // History carried over and continued: every primary audit event is still there, unchanged, and new ones follow it.
        var after = await DatabaseSnapshot.TakeAsync(restoredDb, ct);
        Assert.Empty(atOutage.Rows("audit_events").Except(after.Rows("audit_events")));
        Assert.True(after.Rows("audit_events").Count > atOutage.Rows("audit_events").Count, "the secondary wrote no audit events for the resumed run");
        var firstRun = atOutage.Rows("runs").Single(r => !r.StartsWith("(" + interruptedRun + ",", StringComparison.Ordinal));
        Assert.Contains(firstRun, after.Rows("runs"));
        Assert.Equal(4, await AssertPlanFilesMatchTheirHashesAsync(restoredDb, restoredArtifacts));
    }

    private async Task SendPullRequestAsync(TerraFlowTestHost host, int number, string head, string baseSha, string cloneUrl)
    {
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, number, head, baseSha, cloneUrl));
        var ack = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret);
        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
    }

    private Task<IReadOnlyList<FakeStatus>> WaitForBothProjectsAsync(string sha, string what, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == sha && s.State != "pending").ToList(),
            s => s.Count >= 2, timeout, what);

    /// <summary>Row-for-row equality of every table and sequence, with the headline tables named so a failure says which.</summary>
    private static void AssertSameData(DatabaseSnapshot expected, DatabaseSnapshot actual)
    {
        Assert.Equal(2, expected.Rows("runs").Count);
        Assert.Equal(4, expected.Rows("project_runs").Count);
        Assert.NotEmpty(expected.Rows("audit_events"));
        foreach (var table in new[] { "runs", "project_runs", "audit_events", "jobs", "outbox", "workflow_inbox", "webhook_deliveries" })
            Assert.True(expected.Rows(table).SequenceEqual(actual.Rows(table)), $"table {table} differs after the restore");
        Assert.Equal(expected.Tables.Keys, actual.Tables.Keys);
        foreach (var (table, rows) in expected.Tables)
            Assert.True(rows.SequenceEqual(actual.Rows(table)), $"table {table} differs after the restore");
        Assert.Equal(expected.Sequences, actual.Sequences);
    }

    /// <summary>
    /// For every planned project: the plan file named in the database exists in the folder and its SHA-256 is the
    /// plan_sha256 the database recorded when it was planned (the check an apply relies on). Returns how many.
    /// </summary>
    private static async Task<int> AssertPlanFilesMatchTheirHashesAsync(string connectionString, string artifactsRoot)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand("select run_id, name, plan_sha256, artifacts->>'planFile' from project_runs where status = 'planned' order by run_id, name");
        await using var reader = await command.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            var project = $"run {reader.GetInt64(0)} project {reader.GetString(1)}";
            Assert.False(reader.IsDBNull(2), $"{project} has no plan_sha256");
            Assert.False(reader.IsDBNull(3), $"{project} has no plan file");
            var file = Path.Combine(artifactsRoot, reader.GetString(3));
            Assert.True(File.Exists(file), $"{project}: plan file {reader.GetString(3)} is missing from the restored store");
            Assert.Equal(reader.GetString(2).ToLowerInvariant(), ArtifactFolderBackup.Sha256(file));
            count++;
        }

        return count;
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<string> CreateDatabaseAsync(EmbeddedPostgres cluster, string name, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(cluster.ConnectionStringFor("postgres")))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"create database {name} template template0", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        return cluster.ConnectionStringFor(name);
    }
}
