using System.Globalization;
using System.Text.Json;
using System.Diagnostics;
using TerraFlow.Adapters.Postgres.Embedded;
using Xunit.Abstractions;

namespace TerraFlow.Integration.Tests.CrashRecovery;

/// <summary>
/// Issue 11: a host killed at any moment of its first start (before, during and after initdb, during migrations)
/// must never leave a data folder that breaks the next start. Each kill is a SIGKILL of the real host process, at a
/// named point (TERRAFLOW_TEST_CRASH_AT) or after a random delay; the next start must end healthy. Half-made folders
/// left by earlier versions are set aside (renamed, never deleted) and named in the log.
/// </summary>
public sealed class FirstStartCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "terraflow-firststart-" + Guid.NewGuid().ToString("N")[..10])).FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static TheoryData<string> CrashPoints() => new(CrashHook.Points);

    private string DataDirectory => EmbeddedHostProcess.DataDirectory(_root);

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_host_killed_at_a_point_of_its_first_start_leaves_nothing_the_next_start_cannot_finish(string point)
    {
        using (var crashing = EmbeddedHostProcess.Start(_root, crashAt: point))
        {
            await WaitForExitAsync(crashing);
            Assert.True(crashing.ExitCode == 137, $"the host should have been killed at '{point}' (exit {crashing.ExitCode}):\n{crashing.Log}");
        }

        AssertNoHalfMadeDataFolder();

        var clock = Stopwatch.StartNew();
        using var next = EmbeddedHostProcess.Start(_root);
        await next.WaitHealthyAsync(_http, StartTimeout);
        output.WriteLine($"killed at {point}; the next start was healthy after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(File.Exists(Path.Combine(DataDirectory, PersistentClusterLayout.MarkerFileName)));
        Assert.Equal(MigrationCount(), await AppliedMigrationsAsync(next));
        Assert.DoesNotContain("set aside", next.Log, StringComparison.Ordinal); // our own crashes never leave a half-made folder
        await next.StopAsync();
    }

    [Fact]
    public async Task Hosts_killed_after_random_delays_during_first_starts_never_break_the_next_start()
    {
        // Seeded so a failure can be replayed; TERRAFLOW_CRASH_SEED picks another sequence.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TERRAFLOW_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 1107;
        var random = new Random(seed);
        var states = new List<string>();
        for (var kill = 0; kill < 6; kill++)
        {
            using var host = EmbeddedHostProcess.Start(_root);
            await Task.Delay(random.Next(300, 7000));
            host.Kill();
            AssertNoHalfMadeDataFolder();
            states.Add(Directory.Exists(DataDirectory) ? "complete" : "none");
        }

        using var last = EmbeddedHostProcess.Start(_root);
        await last.WaitHealthyAsync(_http, StartTimeout);
        Assert.Equal(MigrationCount(), await AppliedMigrationsAsync(last));
        await last.StopAsync();
        Assert.True(states.Count == 6, $"seed {seed}: {string.Join(", ", states)}");
    }

    [Theory]
    [InlineData("PG_VERSION")]
    [InlineData("global/pg_control")]
    [InlineData("base/1")]
    public async Task A_half_made_folder_from_an_earlier_version_is_set_aside_named_in_the_log_and_replaced(string killWhenExists)
    {
        await OlderVersionCluster.MakeHalfInitializedAsync(DataDirectory, killWhenExists);

        using var host = EmbeddedHostProcess.Start(_root);
        await host.WaitHealthyAsync(_http, StartTimeout);

        var setAside = Directory.GetDirectories(Path.GetDirectoryName(DataDirectory)!, "postgres" + PersistentClusterLayout.SetAsideInfix + "*");
        var folder = Assert.Single(setAside);
        Assert.Contains("is incomplete", host.Log, StringComparison.Ordinal);
        Assert.Contains("set aside as " + folder, host.Log, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "PG_VERSION")), "the set-aside folder keeps its contents");
        Assert.True(File.Exists(Path.Combine(DataDirectory, PersistentClusterLayout.MarkerFileName)));
        await host.StopAsync();
    }

    /// <summary>The invariant: the data folder is absent or complete (marked) after every kill.</summary>
    private void AssertNoHalfMadeDataFolder()
    {
        if (!Directory.Exists(DataDirectory)) return;
        Assert.True(File.Exists(Path.Combine(DataDirectory, PersistentClusterLayout.MarkerFileName)),
            "a data folder exists without the completion marker: " + string.Join(", ", Directory.EnumerateFileSystemEntries(DataDirectory)));
        Assert.True(File.Exists(Path.Combine(DataDirectory, "global", "pg_control")));
    }

    private static async Task WaitForExitAsync(EmbeddedHostProcess host)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!host.HasExited && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(host.HasExited, "the armed crash point was never reached:\n" + host.Log);
    }

    private static int MigrationCount() =>
        typeof(TerraFlow.Adapters.Postgres.SchemaMigrator).Assembly.GetManifestResourceNames()
            .Count(n => n.StartsWith("TerraFlow.Adapters.Postgres.Migrations.", StringComparison.Ordinal));

    private async Task<long> AppliedMigrationsAsync(EmbeddedHostProcess host)
    {
        using var health = JsonDocument.Parse(await _http.GetStringAsync(host.BaseUrl + "/api/health"));
        return health.RootElement.GetProperty("database").GetProperty("migrations").GetInt64();
    }

    public void Dispose()
    {
        _http.Dispose();
        EmbeddedHostProcess.StopLeftoverServer(_root);
        try { Directory.Delete(_root, recursive: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { } // an orphaned initdb may still be writing
    }
}
