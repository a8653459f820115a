using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using TerraFlow.Adapters.Postgres.Embedded;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using Xunit.Abstractions;

namespace TerraFlow.Integration.Tests.CrashRecovery;

/// <summary>
/// Issue 11: the embedded postmaster killed (SIGKILL) while webhooks arrive. The host that started it restarts it on
/// the same port; readiness says 503 while it is down and 200 again after; every delivery that was acknowledged
/// before, during or after the kill is in the database afterwards (PostgreSQL's crash recovery replays the WAL).
/// </summary>
public sealed class PostmasterKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "terraflow-pmkill-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private FakeGitHubServer _github = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _github = await FakeGitHubServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
        EmbeddedHostProcess.StopLeftoverServer(_root);
        try { Directory.Delete(_root, recursive: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>A host on its own embedded cluster (no connection string), with no runner or engine: only intake and health.</summary>
    private Task<TerraFlowTestHost> StartEmbeddedHostAsync(string dataDirectory) =>
        TerraFlowTestHost.StartAsync("", _github, Path.Combine(_root, "artifacts"), new Dictionary<string, string>
        {
            ["TerraFlow:DataPath"] = dataDirectory,
            ["TerraFlow:Runner:InProcess"] = "false",
            ["TerraFlow:Engine:Enabled"] = "false",
        });

    [Fact]
    public async Task The_host_restarts_a_killed_postmaster_readiness_recovers_and_no_acknowledged_delivery_is_lost()
    {
        var dataDirectory = EmbeddedHostProcess.DataDirectory(_root);
        await using var host = await StartEmbeddedHostAsync(dataDirectory);
        var before = PostmasterPidFile.TryRead(dataDirectory)!;
        var acknowledged = new ConcurrentBag<string>();
        var refused = 0;
        using var stopLoad = new CancellationTokenSource();

        // Load: one delivery after another, as GitHub sends them, each a distinct pull request event.
        var load = Task.Run(async () =>
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                var id = "pm-kill-" + i.ToString(CultureInfo.InvariantCulture);
                var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, 1000 + i, new string('a', 40), new string('b', 40), "https://github.com/acme/infra.git"));
                try
                {
                    using var answer = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, id);
                    if (answer.IsSuccessStatusCode) acknowledged.Add(id);
                    else Interlocked.Increment(ref refused);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });

        await Eventually.ValueAsync(() => acknowledged.Count, n => n >= 15, what: "deliveries acknowledged before the kill");
        var killedAt = Stopwatch.StartNew();
        using (var postmaster = Process.GetProcessById(before.ProcessId))
        {
            postmaster.Kill(); // SIGKILL to the postmaster only, as the OOM killer would
        }

        var sawNotReady = await Eventually.ValueAsync(() => ReadinessAsync(host), s => s == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(20), what: "readiness 503 while the postmaster is down");
        await Eventually.ValueAsync(() => ReadinessAsync(host), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(90), what: "readiness back to 200");
        output.WriteLine($"readiness back to 200 {killedAt.Elapsed.TotalSeconds:F1} s after the postmaster was killed");
        var afterRestart = acknowledged.Count;
        await Eventually.ValueAsync(() => acknowledged.Count, n => n >= afterRestart + 15, what: "deliveries acknowledged after the restart");
        await stopLoad.CancelAsync();
        await load;

        var after = PostmasterPidFile.TryRead(dataDirectory)!;
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        Assert.Equal(before.Port, after.Port); // restarted where the connection strings point
        using (var live = await _http.GetAsync(host.BaseUrl + "/api/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        await using var stored = host.Database.CreateCommand("select delivery_id from webhook_deliveries where provider = 'github'");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using (var r = await stored.ExecuteReaderAsync())
            while (await r.ReadAsync()) ids.Add(r.GetString(0));
        var lost = acknowledged.Where(id => !ids.Contains(id)).ToList();
        output.WriteLine($"acknowledged {acknowledged.Count}, refused or failed while down {refused}, lost {lost.Count}");
        Assert.True(lost.Count == 0, $"acknowledged but lost: {string.Join(", ", lost)} (acknowledged {acknowledged.Count}, refused {refused}, readiness went {sawNotReady})");
    }

    [Fact]
    public async Task Liveness_fails_while_the_postmaster_cannot_be_restarted_and_recovers_when_it_can()
    {
        var dataDirectory = EmbeddedHostProcess.DataDirectory(_root);
        await using var host = await StartEmbeddedHostAsync(dataDirectory);
        var before = PostmasterPidFile.TryRead(dataDirectory)!;
        using (var live = await _http.GetAsync(host.BaseUrl + "/api/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        // Kill the postmaster and take its port at once, so every restart on that port fails.
        using (var postmaster = Process.GetProcessById(before.ProcessId))
        {
            postmaster.Kill();
            await postmaster.WaitForExitAsync();
        }

        var squatter = await TakePortAsync(dataDirectory, before.Port);
        try
        {
            await Eventually.ValueAsync(() => LivenessAsync(host), s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(120),
                what: "liveness 503 after repeated failed restarts");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadinessAsync(host));
        }
        finally
        {
            squatter.Stop();
        }

        // The port is free again: the next attempt (backoff at most 30 s) brings the server and the host back.
        await Eventually.ValueAsync(() => LivenessAsync(host), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(120), what: "liveness back to 200");
        await Eventually.ValueAsync(() => ReadinessAsync(host), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60), what: "readiness back to 200");
        Assert.Equal(before.Port, PostmasterPidFile.TryRead(dataDirectory)!.Port);
    }

    /// <summary>
    /// Takes the dead postmaster's port. The host restarts its server at once after the first death, and on a busy
    /// machine that restart can win the port before the test does; such a restarted postmaster is killed too, until
    /// the port is the test's (later restarts back off, so this settles within a few tries).
    /// </summary>
    private static async Task<System.Net.Sockets.TcpListener> TakePortAsync(string dataDirectory, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return listener;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                listener.Dispose();
                if (PostmasterPidFile.TryRead(dataDirectory) is { } restarted)
                {
                    try
                    {
                        using var postmaster = Process.GetProcessById(restarted.ProcessId);
                        // A stale pid file may name a pid the kernel has since given to another program.
                        if (postmaster.ProcessName.StartsWith("postgres", StringComparison.Ordinal))
                        {
                            postmaster.Kill();
                            await postmaster.WaitForExitAsync();
                        }
                    }
                    catch (ArgumentException) { } // already gone
                    catch (InvalidOperationException) { }
                }
                await Task.Delay(10);
            }
        }
    }

    private async Task<HttpStatusCode> LivenessAsync(TerraFlowTestHost host)
    {
        using var answer = await _http.GetAsync(host.BaseUrl + "/api/health/live");
        return answer.StatusCode;
    }

    private async Task<HttpStatusCode> ReadinessAsync(TerraFlowTestHost host)
    {
        try
        {
            using var answer = await _http.GetAsync(host.BaseUrl + "/api/health");
            return answer.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HttpStatusCode.RequestTimeout;
        }
    }
}
