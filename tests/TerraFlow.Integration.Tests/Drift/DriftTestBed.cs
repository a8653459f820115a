using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TerraFlow.Application.Drift;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// Drift checks end to end: real PostgreSQL, a real git repository (its default branch <c>main</c> is the clone's
/// HEAD), the real TerraFlow host(s) with the in-process runner and the Terraform stand-in, and a
/// <see cref="RecordingDriftReporter"/> registered as an <see cref="IDriftReporter"/> (add more reporters with
/// <c>services</c>). The repository is known to TerraFlow as <c>github:acme/infra</c> (a row in
/// <c>repositories</c>, as a pull request's webhook would leave it; <c>provider: "gitlab"</c> makes it <c>gitlab:acme/infra</c>,
/// with the GitLab settings passed in <c>settings</c>); TerraFlow reads its drift configuration at once.
///
/// Projects: <c>drifted</c> (its stand-in plan has changes: exit 2), <c>clean</c> (no changes: exit 0) and
/// <c>broken</c> (init fails). Every plan appends a line to <see cref="PlansLog"/>(project), so tests count checks.
/// <see cref="SetPlan"/> / <see cref="SetInitFails"/> change a project on the default branch (a new commit).
/// </summary>
public sealed class DriftTestBed : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Name = "infra";

    public static readonly string DriftedPlan = PlanJson.With(("null_resource.vnet", ["update"]), ("null_resource.dns", ["delete", "create"]));

    public static readonly string CleanPlan = PlanJson.With(("null_resource.same", ["no-op"]));

    private readonly List<TerraFlowTestHost> _hosts = [];
    private readonly string _scratch;

    private DriftTestBed(string connectionString, FakeGitHubServer github, TestGitRepository repo, string scratch)
    {
        ConnectionString = connectionString;
        GitHub = github;
        Repo = repo;
        _scratch = scratch;
    }

    public string ConnectionString { get; }

    public FakeGitHubServer GitHub { get; }

    public TestGitRepository Repo { get; }

    public RecordingDriftReporter Reporter { get; } = new();

    public TerraFlowTestHost Host => _hosts[0];

    public IReadOnlyList<TerraFlowTestHost> Hosts => _hosts;

    /// <param name="driftConfig">The <c>drift:</c> block of <c>.terraflow.yml</c> at the top level (YAML, indented by 2), or null for none.</param>
    /// <param name="hosts">How many TerraFlow hosts share the database.</param>
    public static async Task<DriftTestBed> StartAsync(string? driftConfig = null, int hosts = 1, IDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null, string database = "drift", string provider = "github")
    {
        var connectionString = await PostgresTestCluster.Shared.CreateDatabaseAsync(database);
        var github = await FakeGitHubServer.StartAsync();
        var scratch = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-drift-" + Guid.NewGuid().ToString("N")[..10]));
        var repo = TestGitRepository.Create();
        var bed = new DriftTestBed(connectionString, github, repo, scratch);
        repo.Write(".terraflow.yml", "version: 1\n" + (driftConfig is null ? "" : "drift:\n" + driftConfig.TrimEnd() + "\n") +
                "projects:\n  - name: drifted\n    dir: drifted\n  - name: clean\n    dir: clean\n  - name: broken\n    dir: broken\n")
            .Write("drifted/main.tf", "resource \"null_resource\" \"vnet\" {}\n")
            .Write("clean/main.tf", "resource \"null_resource\" \"same\" {}\n")
            .Write("broken/main.tf", "resource \"null_resource\" \"x\" {}\n");
        bed.WriteProject("drifted", DriftedPlan, initFails: false);
        bed.WriteProject("clean", CleanPlan, initFails: false);
        bed.WriteProject("broken", CleanPlan, initFails: true);
        repo.Commit("infra with three projects");

        for (var i = 0; i < hosts; i++) await bed.AddHostAsync(settings, services);
        await using (var db = NpgsqlDataSource.Create(connectionString))
        await using (var cmd = db.CreateCommand("insert into repositories (provider, owner, name, clone_url) values ($4, $1, $2, $3)"))
        {
            cmd.Parameters.AddWithValue(Owner);
            cmd.Parameters.AddWithValue(Name);
            cmd.Parameters.AddWithValue(repo.CloneUrl);
            cmd.Parameters.AddWithValue(provider);
            await cmd.ExecuteNonQueryAsync();
        }
        return bed;
    }

    public async Task<TerraFlowTestHost> AddHostAsync(IDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var values = new Dictionary<string, string>
        {
            ["TerraFlow:Drift:PollInterval"] = "00:00:00.200",
            // The product's default (TerraFlowTestHost turns configuration reads off for the other tests).
            ["TerraFlow:Drift:ConfigRefreshInterval"] = "01:00:00",
            ["TerraFlow:PublicUrl"] = "https://terraflow.example.com",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) values[k] = v;
        var host = await TerraFlowTestHost.StartAsync(ConnectionString, GitHub, settings: values, services: s =>
        {
            s.AddSingleton<IDriftReporter>(Reporter);
            services?.Invoke(s);
        });
        _hosts.Add(host);
        return host;
    }

    public string PlansLog(string project) => Path.Combine(_scratch, $"plans-{project}.log");

    /// <summary>Plans the stand-in ran for <paramref name="project"/> (one per drift check that got past init).</summary>
    public int Plans(string project) => File.Exists(PlansLog(project)) ? File.ReadAllLines(PlansLog(project)).Count(l => l.Length > 0) : 0;

    /// <summary>Changes what the project's plan shows on the default branch (a new commit on main).</summary>
    public string SetPlan(string project, string planJson)
    {
        WriteProject(project, planJson, initFails: false);
        return Repo.Commit($"{project}: new plan");
    }

    public string SetInitFails(string project)
    {
        WriteProject(project, CleanPlan, initFails: true);
        return Repo.Commit($"{project}: init fails");
    }

    private void WriteProject(string project, string planJson, bool initFails)
    {
        Repo.Write($"{project}/.standin/plan.json", planJson);
        var behavior = new Dictionary<string, object> { ["plans_log"] = PlansLog(project) };
        if (initFails)
        {
            behavior["init_exit"] = 1;
            behavior["init_stderr"] = "Error: Failed to query available provider packages (stand-in: scripted init failure)";
        }
        Repo.Write($"{project}/.standin/behavior.json", JsonSerializer.Serialize(behavior));
    }

    /// <summary>Waits until TerraFlow has read the default branch's configuration and knows the projects; returns name → id.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ProjectsAsync()
    {
        var projects = await Eventually.ValueAsync(async () =>
        {
            var found = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var cmd = Host.Database.CreateCommand("""
                select p.name, p.id from projects p join drift_repositories d on d.repository_id = p.repository_id
                where d.config_checked_at is not null
                """);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) found[reader.GetString(0)] = reader.GetInt64(1);
            return found;
        }, found => found.Count >= 3, TimeSpan.FromSeconds(90), "the drift configuration to be read");
        return projects;
    }

    /// <summary>
    /// The test helper that starts a drift check: <c>POST /api/projects/{id}/drift</c> on the first host, as an
    /// operator would (signed in as the test host's admin, with the session's anti-forgery header). Returns the check's run id.
    /// </summary>
    public async Task<long> StartCheckAsync(string project)
    {
        var ids = await ProjectsAsync();
        using var http = await Host.ConsoleClientAsync();
        var response = await http.PostAsync($"{Host.BaseUrl}/api/projects/{ids[project]}/drift", null);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"POST drift answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("runId").GetInt64();
    }

    /// <summary>Waits until the reporter got the result of <paramref name="runId"/> (through the outbox).</summary>
    public Task<TerraFlow.Core.Drift.DriftCheckResult> ReportedAsync(long runId) =>
        Eventually.ValueAsync(() => Reporter.Results.FirstOrDefault(r => r.RunId == runId), r => r is not null, TimeSpan.FromSeconds(120),
            $"the drift report of run {runId}")!;

    /// <summary><c>GET /api/drift</c> from the first host, signed in as the test admin (who reads every repository).</summary>
    public async Task<JsonElement> DriftApiAsync()
    {
        using var http = await Host.ConsoleClientAsync();
        return await http.GetFromJsonAsync<JsonElement>($"{Host.BaseUrl}/api/drift");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await GitHub.DisposeAsync();
        Repo.Dispose();
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
