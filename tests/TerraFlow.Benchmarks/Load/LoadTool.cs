using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Functions;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Testing;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Benchmarks.Load;

/// <summary>
/// Sends signed pull_request webhooks at a fixed concurrency to a real TerraFlow host (real PostgreSQL, real HTTP,
/// the GitHub API stand-in) and reports webhook ack latency and completed project runs per second. Unless
/// <c>--pgbench-seconds 0</c>, it also runs <c>pgbench -N -c 32</c> (<see cref="PgBench"/>) against the same server, in
/// its own database, just before the host starts and again after it stopped, and prints TerraFlow's project runs/s
/// against 1/25 of pgbench's tx/s (issue 18's target: at least that many runs/s, i.e. the work of at most 25 such
/// write transactions per project run). It also counts what the database did per project run while the clock ran:
/// committed transactions and transaction ids used (write transactions, plus savepoints that wrote) of the whole server,
/// and statements when the server preloads <c>pg_stat_statements</c>.
/// </summary>
public static class LoadTool
{
    private const string Secret = "load-test-secret";

    public static async Task<int> RunAsync(string[] args)
    {
        var pullRequests = IntArg(args, "--pull-requests", 1000);
        var projects = IntArg(args, "--projects", 2);
        var concurrency = IntArg(args, "--concurrency", 64);
        var runners = IntArg(args, "--runner-concurrency", 8);
        // --intake-only: no engine and no runner, to see what the webhook path costs without the rest competing.
        var intakeOnly = args.Contains("--intake-only");
        var pgbenchSeconds = IntArg(args, "--pgbench-seconds", 10);
        var pgbenchClients = IntArg(args, "--pgbench-clients", 32);
        var pgbenchScale = IntArg(args, "--pgbench-scale", 10);

        await using var github = await FakeGitHubServer.StartAsync();
        // The payload's author (its repository's owner) has write access, so its pull requests are planned automatically.
        github.SetPermissionOnEveryRepository("Codertocat", "write");
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("load");
        var pgbench = pgbenchSeconds > 0 ? await StartPgBenchAsync(args, pgbenchScale) : null;
        var pgbenchBefore = pgbench is null ? 0 : await pgbench.RunAsync(pgbenchClients, 2, pgbenchSeconds, CancellationToken.None);
        var settings = BenchmarkHostSettings.For(db, github, Secret, "load");
        settings["TerraFlow:Engine:Enabled"] = intakeOnly ? "false" : "true";
        // --no-group-commit: each delivery in its own transaction (as before group commit), for A/B runs.
        if (args.Contains("--no-group-commit")) settings["TerraFlow:GroupCommit:Enabled"] = "false";
        if (IntArg(args, "--group-lanes", 0) is > 0 and var lanes) settings["TerraFlow:GroupCommit:Lanes"] = lanes.ToString(CultureInfo.InvariantCulture);
        var app = await TerraFlowApp.BuildAsync(settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray(), builder =>
        {
            if (intakeOnly) return;
            builder.Services.AddSingleton(new RunnerOptions { Concurrency = runners, PollInterval = TimeSpan.FromMilliseconds(200) });
            builder.Services.AddSingleton<IJobHandler>(new InstantDiscoverHandler(projects));
            builder.Services.AddSingleton<IJobHandler, InstantPlanHandler>();
            builder.Services.AddSingleton<JobRunner>();
            builder.Services.AddHostedService<RunnerHostedService>();
        });
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();

        var template = LoadTemplate();
        for (var n = 1; n <= pullRequests; n++) github.AddPullRequest("load", "repo", n, Sha(n), Sha(0));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        // Bodies and signatures are made before the clock starts: the sender shares the machine with TerraFlow.
        var bodies = Enumerable.Range(1, pullRequests + 1).Select(n => Signed(Payload(template, n))).ToArray();
        github.AddPullRequest("load", "repo", pullRequests + 1, Sha(pullRequests + 1), Sha(0));
        // Warm-up: JIT, connection pools.
        await SendAsync(http, baseUrl, bodies[pullRequests]);

        var latencies = new double[pullRequests];
        var next = 0;
        var counters = await DatabaseCounters.ReadAsync(dataSource);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= pullRequests)
            {
                var started = Stopwatch.GetTimestamp();
                var response = await SendAsync(http, baseUrl, bodies[i - 1]);
                latencies[i - 1] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if ((int)response.StatusCode != 202) throw new InvalidOperationException($"delivery {i}: {(int)response.StatusCode}");
            }
        }));
        var sendSeconds = clock.Elapsed.TotalSeconds;
        if (intakeOnly)
        {
            var intakeWork = (await DatabaseCounters.ReadAsync(dataSource)).Minus(counters, polls: 0);
            Array.Sort(latencies);
            Console.WriteLine($"intake only (no engine, no runner): {pullRequests} deliveries, concurrency {concurrency}");
            Console.WriteLine($"database per delivery: {intakeWork.Describe(pullRequests)}");
            Console.WriteLine(GroupCommitStats(app.Services));
            Console.WriteLine($"ack latency ms: p50 {Percentile(latencies, 0.50):F1}  p90 {Percentile(latencies, 0.90):F1}  p99 {Percentile(latencies, 0.99):F1}  max {latencies[^1]:F1}");
            Console.WriteLine($"webhooks acked: {pullRequests / sendSeconds:F0}/s over {sendSeconds:F1}s");
            await app.StopAsync();
            await app.DisposeAsync();
            if (pgbench is not null) await PrintPgBenchAsync(pgbench, pgbenchClients, pgbenchSeconds, pgbenchBefore, null);
            return 0;
        }

        var expected = (long)pullRequests * projects + projects; // + the warm-up pull request
        long done;
        var polls = 0;
        while ((done = await CountAsync(dataSource, "select count(*) from project_runs where status = 'planned'")) < expected)
        {
            polls++;
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"only {done}/{expected} project runs planned");
            await Task.Delay(50);
        }
        var runSeconds = clock.Elapsed.TotalSeconds;
        // The comments and statuses of the last runs are still being sent: these counts stop with the last plan result.
        var work = (await DatabaseCounters.ReadAsync(dataSource)).Minus(counters, polls + 1);

        Array.Sort(latencies);
        Console.WriteLine($"pull requests: {pullRequests}, projects each: {projects}, webhook concurrency: {concurrency}, runner workers: {runners}");
        Console.WriteLine($"ack latency ms: p50 {Percentile(latencies, 0.50):F1}  p90 {Percentile(latencies, 0.90):F1}  p99 {Percentile(latencies, 0.99):F1}  max {latencies[^1]:F1}");
        Console.WriteLine($"webhooks acked: {pullRequests / sendSeconds:F0}/s over {sendSeconds:F1}s");
        var runsPerSecond = pullRequests * projects / runSeconds;
        Console.WriteLine($"project runs planned: {pullRequests * projects} in {runSeconds:F1}s = {runsPerSecond:F0}/s (from first delivery to last plan result)");
        Console.WriteLine($"database per project run (pull request, discovery and plans; comments still in flight not counted): {work.Describe(pullRequests * projects)}");
        Console.WriteLine(GroupCommitStats(app.Services));

        await app.StopAsync();
        await app.DisposeAsync();
        if (pgbench is not null) await PrintPgBenchAsync(pgbench, pgbenchClients, pgbenchSeconds, pgbenchBefore, runsPerSecond);
        return 0;
    }

    private static string GroupCommitStats(IServiceProvider services) =>
        services.GetService<PostgresGroupCommit>() is { } group
            ? $"intake group commit: {group.GroupedUnits} deliveries in {group.Commits} commits ({group.GroupedUnits / (double)Math.Max(1, group.Commits):F1} per commit)"
            : "intake group commit: off (one transaction per delivery)";

    private static async Task<PgBench> StartPgBenchAsync(string[] args, int scale)
    {
        var explicitPath = Array.IndexOf(args, "--pgbench-path") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var database = await PostgresTestCluster.Shared.CreateDatabaseAsync("pgbench");
        var pgbench = PgBench.Locate(explicitPath, database)
            ?? throw new InvalidOperationException("pgbench not found: pass --pgbench-path, set TERRAFLOW_POSTGRES_BINDIR, or --pgbench-seconds 0 to skip it");
        await pgbench.InitializeAsync(scale, CancellationToken.None);
        return pgbench;
    }

    /// <summary>pgbench again, now that the host is stopped, and TerraFlow's runs/s against 1/25 of pgbench's tx/s.</summary>
    private static async Task PrintPgBenchAsync(PgBench pgbench, int clients, int seconds, double before, double? runsPerSecond)
    {
        var after = await pgbench.RunAsync(clients, 2, seconds, CancellationToken.None);
        var mean = (before + after) / 2;
        Console.WriteLine($"pgbench -N -c {clients} -j 2 -T {seconds} (same server, own database, before/after the load): {before:F0} / {after:F0} tx/s, mean {mean:F0}");
        if (runsPerSecond is { } runs)
            Console.WriteLine($"project runs/s per pgbench tx/s: 1/{mean / runs:F1}; against the target (≥ 1/25 of pgbench tx/s = {mean / 25:F0} runs/s): {runs / (mean / 25):F2}");
    }

    private static string Sha(int n) => n.ToString("x").PadLeft(40, 'a');

    private static JsonObject LoadTemplate() =>
        JsonNode.Parse(File.ReadAllText(RepoLayout.SharedFixture("octokit-webhooks/payload-examples/api.github.com/pull_request/opened.payload.json")))!.AsObject();

    private static byte[] Payload(JsonObject template, int number)
    {
        var payload = template.DeepClone().AsObject();
        payload["number"] = number;
        payload["pull_request"]!["number"] = number;
        payload["pull_request"]!["head"]!["sha"] = Sha(number);
        payload["pull_request"]!["base"]!["sha"] = Sha(0);
        payload["repository"]!["name"] = "repo";
        payload["repository"]!["owner"]!["login"] = "load";
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }

    private static (byte[] Body, string Signature) Signed(byte[] body) => (body, GitHubWebhookVerifier.ComputeSignature(Secret, body));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string baseUrl, (byte[] Body, string Signature) delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/api/webhooks/github") { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", delivery.Signature);
        return await http.SendAsync(request);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }
}
