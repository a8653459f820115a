using System.Diagnostics;
using System.Net;
using System.Text;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 10, end to end: a pull request carries repository content built to make discovery hang or crash (a YAML
/// alias bomb, a catastrophic <c>when_modified</c> glob, CODEOWNERS that used to throw or is too large). Each one
/// gets its answer in the pull request within seconds — a plan or a comment naming the problem — with the discover
/// job run once, not crashed and retried. Before, the alias bomb parsed for minutes, the glob took 39 s of CPU, and
/// CODEOWNERS threw an uncaught regex timeout.
/// </summary>
public sealed class PathologicalConfigTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 10;

    // From sending the webhook to the answer on the pull request: engine, runner (clone, discover) and outbox
    // included, on a loaded CI machine. The attacks took minutes (or forever) before.
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("pathological");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    /// <summary>
    /// The two-project repository with <paramref name="files"/> on both the base and the head commit (so the result
    /// does not depend on which commit rules are read from), plus <paramref name="headOnly"/> on the head.
    /// </summary>
    private static (TestGitRepository Git, string BaseSha, string HeadSha) Repository(
        IEnumerable<(string Path, string Content)> files, IEnumerable<(string Path, string Content)>? headOnly = null)
    {
        var git = TestGitRepository.Create();
        git.Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\n")
           .Write("network/.standin/plan.json", TwoProjectRepo.NetworkPlan)
           .Write("app/main.tf", "resource \"null_resource\" \"web\" {}\n")
           .Write("app/.standin/plan.json", TwoProjectRepo.AppPlan);
        foreach (var (path, content) in files) git.Write(path, content);
        var baseSha = git.Commit("base");
        git.Checkout("feature", create: true);
        git.Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"subnet\" {}\n");
        foreach (var (path, content) in headOnly ?? []) git.Write(path, content);
        return (git, baseSha, git.Commit("the pull request"));
    }

    private async Task<TimeSpan> OpenPullRequest(TerraFlowTestHost host, TestGitRepository git, string baseSha, string headSha)
    {
        _github.AddPullRequest(Owner, Repo, Number, headSha, baseSha, headCloneUrl: git.CloneUrl);
        var body = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, headSha, baseSha, git.CloneUrl));
        var clock = Stopwatch.StartNew();
        var response = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", body, TerraFlowTestHost.WebhookSecret);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return clock.Elapsed;
    }

    private async Task<string> CommentWithin(Stopwatch clock, string contains)
    {
        var comments = await Eventually.ValueAsync(
            () => _github.Comments(Owner, Repo, Number), c => c.Any(x => x.Body.Contains(contains, StringComparison.Ordinal)),
            timeout: TimeSpan.FromSeconds(90), what: $"a comment containing '{contains}'");
        Assert.True(clock.Elapsed < Quickly, $"the answer took {clock.Elapsed}");
        return comments.First(x => x.Body.Contains(contains, StringComparison.Ordinal)).Body;
    }

    private static async Task AssertDiscoveredOnce(TerraFlowTestHost host)
    {
        await using var cmd = host.Database.CreateCommand("select attempts, status from jobs where kind = 'discover'");
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.Equal("succeeded", reader.GetString(1)); // the job ended with a result (a reported failure included)
        Assert.False(await reader.ReadAsync());
    }

    /// <summary>Ten levels, each a list of nine aliases of the level before (551 bytes), then '? *a9' as a key.</summary>
    private static string AliasBomb()
    {
        var yaml = new StringBuilder("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 9; i++)
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        return yaml.Append("? *a9\n: boom\n").ToString();
    }

    [Fact]
    public async Task A_yaml_alias_bomb_in_a_mapping_key_gets_a_config_error_comment_quickly()
    {
        var (git, baseSha, headSha) = Repository([(".terraflow.yml", AliasBomb())]);
        using var _ = git;
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var clock = Stopwatch.StartNew();
        await OpenPullRequest(host, git, baseSha, headSha);
        var comment = await CommentWithin(clock, "The repository configuration is invalid");

        Assert.Contains(".terraflow.yml:6:", comment);
        Assert.Contains("the YAML has more than 50,000 nodes once alias '*a3' is expanded (aliases count as copies)", comment);
        await AssertDiscoveredOnce(host);
        Assert.DoesNotContain(_github.Statuses, s => s.Context.StartsWith("terraflow/plan", StringComparison.Ordinal) && s.State == "success");
    }

    [Fact]
    public async Task A_catastrophic_when_modified_pattern_is_matched_in_linear_time()
    {
        // Fourteen '**' against a changed file sixty directories deep: 39 s of CPU per discover job before.
        var pattern = string.Join('/', Enumerable.Repeat("**", 14)) + "/x.tf";
        var config = $"version: 1\nprojects:\n  - dir: network\n    when_modified: [\"{pattern}\", \"*.tf\"]\n  - dir: app\n";
        var deep = "network/" + string.Join('/', Enumerable.Repeat("a", 60)) + "/y.tf";
        var (git, baseSha, headSha) = Repository([(".terraflow.yml", config)], [(deep, "# deep\n")]);
        using var _ = git;
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var clock = Stopwatch.StartNew();
        await OpenPullRequest(host, git, baseSha, headSha);
        var status = await Eventually.ValueAsync(
            () => _github.Statuses.Where(s => s.Sha == headSha && s.State != "pending").ToList(), s => s.Count >= 1,
            timeout: TimeSpan.FromSeconds(90), what: "the network plan's final status");
        Assert.True(clock.Elapsed < Quickly, $"the plan took {clock.Elapsed}");

        var network = Assert.Single(status);
        Assert.Equal(("terraflow/plan: network", "success"), (network.Context, network.State)); // app is untouched
        await AssertDiscoveredOnce(host);
    }

    [Fact]
    public async Task A_catastrophic_codeowners_pattern_no_longer_crashes_discovery()
    {
        // Nested '**' plus a star-heavy name: the regular expression behind it hit its one-second timeout and threw,
        // the discover job crashed and was retried. The automaton answers at once and the plan goes ahead.
        var evil = "/" + string.Join('/', Enumerable.Repeat("**", 20)) + "/" + string.Concat(Enumerable.Repeat("*a", 30)) + "*b @evil";
        // Not a .tf file, so it is no project of its own; it is a changed file of network all the same.
        var deep = "network/" + string.Join('/', Enumerable.Repeat(new string('a', 40), 60)) + "/notes.txt";
        var (git, baseSha, headSha) = Repository(
            [(".github/CODEOWNERS", $"* @platform\n{evil}\n/network/ @net-team\n")], [(deep, "# deep\n")]);
        using var _ = git;
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var clock = Stopwatch.StartNew();
        await OpenPullRequest(host, git, baseSha, headSha);
        var status = await Eventually.ValueAsync(
            () => _github.Statuses.Where(s => s.Sha == headSha && s.State != "pending").ToList(), s => s.Count >= 1,
            timeout: TimeSpan.FromSeconds(90), what: "the network plan's final status");
        Assert.True(clock.Elapsed < Quickly, $"the plan took {clock.Elapsed}");

        Assert.Equal(("terraflow/plan: network", "success"), (status[0].Context, status[0].State));
        await AssertDiscoveredOnce(host);
    }

    [Fact]
    public async Task Codeowners_beyond_its_bounds_is_a_config_error_in_the_comment()
    {
        var tooMany = string.Concat(Enumerable.Range(0, 50_001).Select(i => $"/d{i}/ @a\n"));
        var (git, baseSha, headSha) = Repository([(".github/CODEOWNERS", tooMany)]);
        using var _ = git;
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var clock = Stopwatch.StartNew();
        await OpenPullRequest(host, git, baseSha, headSha);
        var comment = await CommentWithin(clock, "The repository configuration is invalid");

        Assert.Contains(".github/CODEOWNERS:50001: CODEOWNERS has more than 50,000 rules", comment);
        await AssertDiscoveredOnce(host);
    }

    [Fact]
    public async Task Discovery_that_runs_out_of_time_is_reported_as_a_failure_and_not_retried()
    {
        var (git, baseSha, headSha) = Repository([]);
        using var _ = git;
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github,
            settings: new Dictionary<string, string> { ["TerraFlow:Runner:DiscoverTimeout"] = "00:00:00.001" });

        var clock = Stopwatch.StartNew();
        await OpenPullRequest(host, git, baseSha, headSha);
        var comment = await CommentWithin(clock, "The run failed before planning");

        Assert.Contains("finding the affected projects took longer than the limit of 00:00:00.0010000 (TerraFlow__Runner__DiscoverTimeout) and was stopped", comment);
        await AssertDiscoveredOnce(host);
        Assert.Equal("failed", (string?)await GitHubPullRequestTests.Scalar(host, "select status from runs"));
    }

    /// <summary>
    /// A repository whose discovery is honestly CPU-bound for a long time: a thousand changed files, each tested
    /// against 50,000 CODEOWNERS rules (the limit) that never match and have no literal text to filter on.
    /// </summary>
    private static (TestGitRepository Git, string BaseSha, string HeadSha) SlowDiscoveryRepository() => Repository(
        [(".github/CODEOWNERS", string.Concat(Enumerable.Repeat("**/*.x? @nobody\n", 50_000)))],
        Enumerable.Range(0, 1000).Select(i => ($"network/f{i:D4}.tf", $"# file {i}\n")));

    [Fact]
    public async Task A_cpu_bound_discovery_is_stopped_by_its_time_limit_and_reported()
    {
        var (git, baseSha, headSha) = SlowDiscoveryRepository();
        using var _ = git;
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github,
            settings: new Dictionary<string, string> { ["TerraFlow:Runner:DiscoverTimeout"] = "00:00:05" });

        var clock = Stopwatch.StartNew();
        await OpenPullRequest(host, git, baseSha, headSha);
        var comment = await CommentWithin(clock, "The run failed before planning");

        Assert.Contains("took longer than the limit of 00:00:05 (TerraFlow__Runner__DiscoverTimeout) and was stopped", comment);
        await AssertDiscoveredOnce(host);
    }

    [Fact]
    public async Task Stopping_the_host_during_a_cpu_bound_discovery_is_prompt()
    {
        // What SIGTERM does: the host stops its services. Before, a busy discover job held the runner (and so the
        // process) until the host's shutdown timeout; here that timeout is 15 s, so a stop that waits fails the test.
        var (git, baseSha, headSha) = SlowDiscoveryRepository();
        using var _ = git;
        var work = Directory.CreateTempSubdirectory("terraflow-stop-").FullName;
        var host = await TerraFlowTestHost.StartAsync(_db, _github,
            settings: new Dictionary<string, string> { ["TerraFlow:Runner:WorkDirectory"] = work });
        try
        {
            await OpenPullRequest(host, git, baseSha, headSha);
            // The clone is complete once its last file is there; from then on discovery only computes.
            await Eventually.ValueAsync(
                () => Directory.EnumerateFiles(work, "f0999.tf", SearchOption.AllDirectories).Any(), found => found,
                timeout: TimeSpan.FromSeconds(60), what: "the discover job's checkout");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            var stopping = Stopwatch.StartNew();
            await host.DisposeAsync();
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
        }
        Assert.Empty(_github.Comments(Owner, Repo, Number)); // cancelled, not reported: it runs again elsewhere
        // The cancelled job removes its own checkout in the background; clean up whatever is left.
        try { Directory.Delete(work, recursive: true); }
        catch (IOException) { }
    }
}
