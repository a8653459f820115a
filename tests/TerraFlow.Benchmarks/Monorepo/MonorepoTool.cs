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
using TerraFlow.Benchmarks.Load;
using TerraFlow.Functions;
using TerraFlow.Runner;
using TerraFlow.Testing;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.GitHttp;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Benchmarks.Monorepo;

/// <summary>
/// `monorepo`: one pull request that changes a shared module of a large synthetic monorepo, through the real TerraFlow
/// pipeline (signed webhook → discover → one plan job per affected project with the real <c>terraform</c> → plan
/// comment), once with the runner's fresh-clone mode and once with its mirror mode (cold: the runner has never seen
/// the repository; warm: it has). Measured per pull request: wall time from sending the webhook to the last update of
/// the plan comment, and the bytes the git server sent.
/// </summary>
public static class MonorepoTool
{
    private const string Secret = "monorepo-secret";
    private const string Owner = "acme";
    private const string Repo = "monorepo";

    private sealed record Measurement(string Mode, int Repetition, double Seconds, long Bytes, long Requests);

    public static async Task<int> RunAsync(string[] args)
    {
        var projects = IntArg(args, "--projects", 120);
        var historyMb = IntArg(args, "--history-mb", 240);
        var repetitions = IntArg(args, "--repetitions", 1);
        var concurrency = IntArg(args, "--runner-concurrency", 4);
        var timeout = TimeSpan.FromMinutes(IntArg(args, "--timeout-minutes", 30));

        var work = Path.Combine(Path.GetTempPath(), "terraflow-monorepo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var clock = Stopwatch.StartNew();
            var pullRequests = repetitions * 3;
            var repo = SyntheticMonorepo.Create(Path.Combine(work, "served", Owner, Repo + ".git"), projects, historyMb, pullRequests);
            var packBytes = new DirectoryInfo(Path.Combine(repo.BarePath, "objects")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine($"synthetic monorepo: {projects} projects sharing modules/network → modules/naming, {repo.HistoryBytes / 1048576} MiB of incompressible history ({packBytes / 1048576} MiB of objects), made in {clock.Elapsed.TotalSeconds:F1}s");

            await using var git = await GitSmartHttpServer.StartAsync(Path.Combine(work, "served"));
            await using var github = await FakeGitHubServer.StartAsync();
            github.SetPermissionOnEveryRepository("Codertocat", "write");
            var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("monorepo");
            var settings = BenchmarkHostSettings.For(db, github, Secret, "monorepo-" + Path.GetFileName(work));
            settings["TerraFlow:GitHub:WebUrl"] = git.Url;
            settings["TerraFlow:Runner:InProcess"] = "true";
            settings["TerraFlow:Runner:TerraformPath"] = "terraform";
            settings["TerraFlow:Runner:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture);
            settings["TerraFlow:Runner:PollInterval"] = "00:00:00.200";
            settings["TerraFlow:Runner:WorkDirectory"] = Path.Combine(work, "runner");
            var app = await TerraFlowApp.BuildAsync(settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
            await app.StartAsync();
            var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
            var runner = app.Services.GetRequiredService<RunnerOptions>();
            using var http = new HttpClient();

            var results = new List<Measurement>();
            var number = 0;
            for (var r = 1; r <= repetitions; r++)
            {
                // Fresh clones; then a mirror the runner has never seen (cold) and the same mirror again (warm).
                var cache = Path.Combine(work, "runner", $"git-cache-{r}");
                foreach (var mode in new[] { "fresh", "mirror-cold", "mirror-warm" })
                {
                    runner.CloneMode = mode == "fresh" ? "fresh" : "mirror";
                    runner.GitCacheDir = cache;
                    number++;
                    var head = repo.HeadShas[number - 1];
                    github.AddPullRequest(Owner, Repo, number, head, repo.BaseSha, headRef: $"feature-{number}", author: "Codertocat");
                    git.ResetCounters();
                    var started = DateTimeOffset.UtcNow;
                    var sent = Stopwatch.StartNew();
                    var response = await SendAsync(http, baseUrl, Payload(number, head, repo.BaseSha, git.CloneUrl(Owner, Repo)));
                    if ((int)response.StatusCode != 202) throw new InvalidOperationException($"webhook: {(int)response.StatusCode}");
                    await WaitForPlansAsync(dataSource, github, number, projects, timeout);
                    var last = github.Comments(Owner, Repo, number).Max(c => c.UpdatedAt);
                    var seconds = (last - started).TotalSeconds;
                    results.Add(new Measurement(mode, r, seconds, git.BytesSent, git.Requests));
                    // Closed again so the next pull request gets the project locks this one took when planning.
                    github.UpdatePullRequest(github.PullRequest(Owner, Repo, number)! with { Open = false });
                    var closed = Payload(number, head, repo.BaseSha, git.CloneUrl(Owner, Repo), "closed");
                    if ((int)(await SendAsync(http, baseUrl, closed)).StatusCode != 202) throw new InvalidOperationException("closing webhook refused");
                    await WaitForLocksReleasedAsync(dataSource, timeout);
                    Console.WriteLine($"repetition {r} {mode,-11}: {seconds,7:F1}s webhook → last plan comment update, {Size(git.BytesSent),12} fetched in {git.Requests} HTTP requests ({sent.Elapsed.TotalSeconds:F1}s until seen done)");
                }
            }

            Console.WriteLine();
            Console.WriteLine($"projects: {projects}, history: {repo.HistoryBytes / 1048576} MiB, runner concurrency: {concurrency}, repetitions: {repetitions}, terraform: {TerraformVersion()}");
            Console.WriteLine("| mode | wall time (median) | fetched (median) | vs fresh: faster | vs fresh: fewer bytes |");
            Console.WriteLine("|---|---|---|---|---|");
            var fresh = Median(results, "fresh");
            foreach (var mode in new[] { "fresh", "mirror-cold", "mirror-warm" })
            {
                var m = Median(results, mode);
                var fewer = m.Bytes == 0 ? "∞" : ((double)fresh.Bytes / m.Bytes).ToString(m.Bytes < 1048576 ? "N0" : "F1", CultureInfo.InvariantCulture);
                Console.WriteLine($"| {mode} | {m.Seconds:F1} s | {Size(m.Bytes)} | {fresh.Seconds / m.Seconds:F1}× | {fewer}× |");
            }
            await app.StopAsync();
            await app.DisposeAsync();
            Console.WriteLine($"total {clock.Elapsed.TotalMinutes:F1} min");
            return 0;
        }
        finally
        {
            if (!args.Contains("--keep")) TryDelete(work);
        }
    }

    /// <summary>Waits until every project of the pull request's run is planned (or failed) and the outbox is drained.</summary>
    private static async Task WaitForPlansAsync(NpgsqlDataSource db, FakeGitHubServer github, int number, int projects, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var finished = await CountAsync(db, $"select count(*) from project_runs p join runs r on r.id = p.run_id where r.pr_number = {number} and p.status in ('planned', 'failed')");
            var failed = await CountAsync(db, $"select count(*) from project_runs p join runs r on r.id = p.run_id where r.pr_number = {number} and p.status = 'failed'");
            var runFailed = await CountAsync(db, $"select count(*) from runs where pr_number = {number} and status not in ('pending', 'discovering', 'planning', 'planned')");
            var pending = await CountAsync(db, "select count(*) from outbox where status = 'pending'");
            if (failed > 0 || (finished == 0 && runFailed > 0))
                throw new InvalidOperationException($"pull request {number}: {failed} plans failed. Comments:\n" + string.Join("\n---\n", github.Comments(Owner, Repo, number).Select(c => c.Body)));
            if (finished >= projects && pending == 0) return;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"pull request {number}: {finished}/{projects} planned after {timeout}. Comments:\n" + string.Join("\n---\n", github.Comments(Owner, Repo, number).Select(c => c.Body)));
            await Task.Delay(100);
        }
    }

    private static string Size(long bytes) =>
        bytes >= 1048576 ? $"{bytes / 1048576.0:F1} MiB" : $"{bytes / 1024.0:F1} KiB";

    private static async Task WaitForLocksReleasedAsync(NpgsqlDataSource db, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (await CountAsync(db, "select count(*) from project_locks") > 0 || await CountAsync(db, "select count(*) from outbox where status = 'pending'") > 0)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException("the closed pull request's locks were not released");
            await Task.Delay(100);
        }
    }

    private static (double Seconds, long Bytes) Median(List<Measurement> all, string mode)
    {
        var of = all.Where(m => m.Mode == mode).ToList();
        var seconds = of.Select(m => m.Seconds).Order().ToList();
        var bytes = of.Select(m => m.Bytes).Order().ToList();
        return (seconds[seconds.Count / 2], bytes[bytes.Count / 2]);
    }

    private static byte[] Payload(int number, string head, string baseSha, string cloneUrl, string action = "opened")
    {
        var payload = JsonNode.Parse(File.ReadAllText(RepoLayout.SharedFixture("octokit-webhooks/payload-examples/api.github.com/pull_request/opened.payload.json")))!.AsObject();
        payload["number"] = number;
        payload["action"] = action;
        var pr = payload["pull_request"]!.AsObject();
        pr["number"] = number;
        pr["state"] = action == "closed" ? "closed" : "open";
        pr["merged"] = false;
        pr["head"]!["sha"] = head;
        pr["head"]!["ref"] = $"feature-{number}";
        pr["base"]!["sha"] = baseSha;
        foreach (var repo in new[] { payload["repository"]!, pr["head"]!["repo"]!, pr["base"]!["repo"]! })
        {
            repo["name"] = Repo;
            repo["full_name"] = $"{Owner}/{Repo}";
            repo["owner"]!["login"] = Owner;
            repo["clone_url"] = cloneUrl;
        }
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string baseUrl, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/api/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", GitHubWebhookVerifier.ComputeSignature(Secret, body));
        return await http.SendAsync(request);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static string TerraformVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("terraform", ["version"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var first = p.StandardOutput.ReadLine() ?? "";
            p.WaitForExit();
            return first.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            TerraFlow.Runner.Workspace.WorkspaceFolders.DeleteTree(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not delete {path}: {e.Message}");
        }
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
