using TerraFlow.Adapters.GitHub;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Processes;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// A real PostgreSQL queue, a local artifact store, a git repository whose network project the Terraform stand-in
/// plans and applies, and a runner with only the apply handler. Every successful apply of the stand-in is appended
/// to <see cref="AppliesLogPath"/> (outside the runner's throw-away clone), so tests can count applies.
/// </summary>
internal sealed class ApplyTestBed : IAsyncDisposable
{
    public static readonly ProjectDefinition Network = new("network", "network", "default", ["**/*"], [], true);

    private readonly string _scratch;

    private ApplyTestBed(string connectionString, NpgsqlDataSource db, string scratch, TwoProjectRepo repo, string head, long runId)
    {
        ConnectionString = connectionString;
        Db = db;
        _scratch = scratch;
        Repo = repo;
        HeadSha = head;
        RunId = runId;
        Artifacts = new LocalFolderArtifactStore(ArtifactsPath);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource Db { get; }

    public TwoProjectRepo Repo { get; }

    public string HeadSha { get; }

    public long RunId { get; }

    public LocalFolderArtifactStore Artifacts { get; }

    public string ArtifactsPath => Path.Combine(_scratch, "artifacts");

    public string WorkDirectory => Path.Combine(_scratch, "work");

    public string AppliesLogPath => Path.Combine(_scratch, "applies.log");

    /// <summary>Successful applies the stand-in performed, across all jobs.</summary>
    public int AppliesCount => File.Exists(AppliesLogPath) ? File.ReadAllLines(AppliesLogPath).Length : 0;

    /// <param name="applyDelayMs">How long the stand-in's apply takes (it is interruptible by SIGINT while waiting).</param>
    /// <param name="initDelayMs">How long the stand-in's init takes in the runner's clone.</param>
    public static async Task<ApplyTestBed> CreateAsync(int applyDelayMs = 0, int initDelayMs = 0)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "terraflow-apply-" + Guid.NewGuid().ToString("N")[..10]);
        JobWritableFolder.Create(scratch); // the stand-in, run as the job's uid, appends applies.log here
        var connectionString = await PostgresTestCluster.Shared.CreateDatabaseAsync("apply");
        var db = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);

        var repo = new TwoProjectRepo();
        var log = Path.Combine(scratch, "applies.log");
        repo.Git.Write("network/.standin/behavior.json", $$"""{"applies_log": "{{log}}", "apply_delay_ms": {{applyDelayMs}}, "init_delay_ms": {{initDelayMs}}}""");
        var head = repo.Git.Commit("record applies");

        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var pr = new PullRequestInfo(new RepoRef("acme", "infra"), 1, head, repo.BaseSha, "feature", "main", repo.Git.CloneUrl, "octocat", true, false);
        var runId = await RunRepository.InsertAsync(conn, tx, new NewRun("github", pr, null, false, "op-apply"), CancellationToken.None);
        await tx.CommitAsync();
        return new ApplyTestBed(connectionString, db, scratch, repo, head, runId);
    }

    /// <summary>
    /// Plans the network project with the stand-in, the way the plan job does (init, plan -out), and stores the
    /// plan file; returns its artifact key and SHA-256.
    /// </summary>
    public async Task<(string Key, string Sha256)> StorePlanAsync(string planJson, string name = "plan")
    {
        var dir = Path.Combine(_scratch, "plan-" + name);
        Directory.CreateDirectory(Path.Combine(dir, ".standin"));
        await File.WriteAllTextAsync(Path.Combine(dir, ".standin", "plan.json"), planJson);
        foreach (var args in new[] { new[] { "init", "-input=false", "-no-color" }, ["plan", "-input=false", "-no-color", "-out=p.tfplan"] })
        {
            var result = await ProcessRunner.RunAsync(RepoPaths.TerraformStandIn, args, dir, null, TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.True(result.ExitCode == 0, $"stand-in {args[0]} failed: {result.StandardError}");
        }
        var bytes = await File.ReadAllBytesAsync(Path.Combine(dir, "p.tfplan"));
        var key = $"runs/{RunId}/network/{name}/plan.tfplan";
        await using (var stream = new MemoryStream(bytes)) await Artifacts.PutAsync(key, stream, CancellationToken.None);
        return (key, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <param name="headSha">The commit to apply at; the bed's head commit by default.</param>
    public async Task<long> EnqueueApplyAsync(string planKey, string planSha256, string? headSha = null)
    {
        var spec = new JobSpec(JobKinds.Apply, RunId, "acme", "infra", null, Repo.Git.CloneUrl, headSha ?? HeadSha, Repo.BaseSha, Network, "op-apply")
        {
            PlanFile = planKey,
            PlanSha256 = planSha256,
            PullRequestNumber = 1,
        };
        await using var conn = await Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await JobRepository.EnqueueAsync(conn, tx, spec, CancellationToken.None);
        await tx.CommitAsync();
        return id;
    }

    public PostgresJobQueue Queue(TimeSpan? lease = null) =>
        new(Db, new JobQueueOptions { LeaseDuration = lease ?? TimeSpan.FromSeconds(30) });

    public RunnerOptions Options(Action<RunnerOptions>? configure = null)
    {
        var options = new RunnerOptions
        {
            TerraformPath = RepoPaths.TerraformStandIn,
            WorkDirectory = WorkDirectory,
            Concurrency = 1,
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return options;
    }

    public JobRunner Runner(RunnerOptions options, PostgresJobQueue? queue = null) =>
        new(queue ?? Queue(),
            [new ApplyJobHandler(options, NoVcs.Create(), new CloneUrlPolicy([], allowLocalPaths: true), Artifacts, NullLogger<ApplyJobHandler>.Instance)],
            options, new JobSignal(), NullLogger<JobRunner>.Instance);

    /// <summary>Job results that reached the workflow inbox, in order.</summary>
    public async Task<IReadOnlyList<JobResult>> ResultsAsync()
    {
        await using var cmd = Db.CreateCommand("select payload::text from workflow_inbox where kind = $1 order by id");
        cmd.Parameters.AddWithValue(InboxKinds.JobResult);
        await using var reader = await cmd.ExecuteReaderAsync();
        var results = new List<JobResult>();
        while (await reader.ReadAsync()) results.Add(StoreJson.Deserialize<JobResult>(reader.GetString(0)));
        return results;
    }

    public async Task<(string Status, int Attempts, int MaxAttempts)> JobRowAsync(long jobId)
    {
        await using var cmd = Db.CreateCommand("select status, attempts, max_attempts from jobs where id = $1");
        cmd.Parameters.AddWithValue(jobId);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"job {jobId} not found");
        return (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
    }

    /// <summary>Waits until the stand-in runs <paramref name="command"/> (apply, init) in this bed's work directory.</summary>
    public async Task WaitForTerraformAsync(string command, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // Running, and inside its scripted delay: the stand-in writes "stand-in-<command>-waiting" into its data
            // directory once its interrupt handlers are in place (on a loaded machine the process shows up well before).
            if (TerraformRunning(command) && Directory.EnumerateFiles(WorkDirectory, $"stand-in-{command}-waiting", SearchOption.AllDirectories).Any()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"terraform {command} did not start within {timeout}");
    }

    /// <summary>Linux: a process whose arguments include the command and whose working directory is in the runner's work folder.</summary>
    public bool TerraformRunning(string command)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Split('\0');
                if (!cmdline.Contains(command)) continue;
                var cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget;
                if (cwd is not null && cwd.StartsWith(WorkDirectory, StringComparison.Ordinal)) return true;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        Repo.Dispose();
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    /// <summary>Clones from a local path never ask the VCS for a token; any call is a test failure.</summary>
    public class NoVcs : DispatchProxy
    {
        public static VcsClients Create() => new([new VcsProvider(GitHubHost.Provider, Create<IVcsClient, NoVcs>())]);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"unexpected VCS call {targetMethod?.Name}");
    }
}
