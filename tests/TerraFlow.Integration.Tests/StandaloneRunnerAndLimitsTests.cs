using System.Diagnostics;
using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests;

public sealed class StandaloneRunnerAndLimitsTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("standalone");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_separate_runner_process_on_the_same_database_plans_the_pull_request()
    {
        using var repo = new TwoProjectRepo();
        const int number = 21;
        _github.AddPullRequest(Owner, Repo, number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        var artifacts = Path.Combine(Path.GetTempPath(), "terraflow-standalone-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, artifacts, new Dictionary<string, string> { ["TerraFlow:Runner:InProcess"] = "false" });

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TerraFlow.Runner.dll"));
        psi.Environment["ConnectionStrings__Postgres"] = _db;
        psi.Environment["TerraFlow__CloneUrls__AllowLocalPaths"] = "true";
        psi.Environment["TerraFlow__ArtifactsPath"] = artifacts;
        psi.Environment["TerraFlow__GitHub__ApiUrl"] = _github.ApiUrl;
        psi.Environment["TerraFlow__GitHub__Token"] = _github.Token;
        psi.Environment["TerraFlow__Runner__TerraformPath"] = RepoPaths.TerraformStandIn;
        psi.Environment["TerraFlow__Runner__PollInterval"] = "00:00:00.200";
        using var runner = Process.Start(psi)!;
        runner.OutputDataReceived += (_, _) => { };
        runner.ErrorDataReceived += (_, _) => { };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        try
        {
            var ack = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request",
                GitHubWebhooks.PullRequest(new(Owner, Repo, number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl)), TerraFlowTestHost.WebhookSecret);
            Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);

            var statuses = await Eventually.ValueAsync(
                () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == repo.HeadSha && s.State == "success").ToList(),
                s => s.Count >= 2, what: "plans from the separate runner");
            Assert.Equal(2, statuses.Count);
            Assert.NotEmpty(Directory.EnumerateFiles(artifacts, "plan.tfplan", SearchOption.AllDirectories));
            var owners = await GitHubPullRequestTests.Scalar(host, "select string_agg(distinct split_part(lease_owner, ':', 2), ',') from jobs");
            Assert.Equal(runner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), owners);
        }
        finally
        {
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_single_job_runner_exits_when_no_job_comes()
    {
        // Migrations come from the host; the runner only needs the schema.
        await using (await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string> { ["TerraFlow:Runner:InProcess"] = "false" })) { }
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TerraFlow.Runner.dll"));
        psi.Environment["ConnectionStrings__Postgres"] = _db;
        psi.Environment["TerraFlow__CloneUrls__AllowLocalPaths"] = "true";
        psi.Environment["TerraFlow__Runner__SingleJob"] = "true";
        psi.Environment["TerraFlow__Runner__SingleJobWait"] = "00:00:01";
        psi.Environment["TerraFlow__ArtifactsPath"] = Path.Combine(Path.GetTempPath(), "terraflow-single-" + Guid.NewGuid().ToString("N")[..8]);
        using var runner = Process.Start(psi)!;
        var output = runner.StandardOutput.ReadToEndAsync();
        var errors = runner.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await runner.WaitForExitAsync(timeout.Token);
        Assert.True(runner.ExitCode == 0, $"exit {runner.ExitCode}: {await output}{await errors}");
    }

    [Fact]
    public async Task A_plan_too_big_for_one_comment_is_split_within_githubs_limit()
    {
        const int number = 22;
        using var repo = new TwoProjectRepo();
        var huge = PlanJson.With(Enumerable.Range(0, 4000)
            .Select(i => ($"null_resource.resource_with_a_rather_long_name_to_fill_the_comment_{i:D5}", new[] { "create" })).ToArray());
        repo.Git.Write("network/.standin/plan.json", huge);
        var head = repo.Git.Commit("a very large plan");
        _github.AddPullRequest(Owner, Repo, number, head, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request",
            GitHubWebhooks.PullRequest(new(Owner, Repo, number, head, repo.BaseSha, repo.Git.CloneUrl)), TerraFlowTestHost.WebhookSecret);

        await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == head && s.State == "success").ToList(),
            s => s.Count >= 2, what: "both plans");
        await Eventually.ValueAsync(() => GitHubPullRequestTests.Scalar(host, "select count(*) from outbox where status <> 'done'"), n => (long)n! == 0, what: "outbox drained without failures");
        var comments = _github.Comments(Owner, Repo, number);
        Assert.NotEmpty(comments);
        Assert.All(comments, c => Assert.True(c.Body.Length <= 65_536, $"comment of {c.Body.Length} characters"));
        Assert.Equal("4,000", CommentTable.Row(comments[0].Body, "network")["Add"]);
        Assert.Contains("truncated", string.Concat(comments.Select(c => c.Body)));
    }
}
