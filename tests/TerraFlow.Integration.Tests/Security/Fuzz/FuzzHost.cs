using Npgsql;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.FakeGitLab;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Security.Fuzz;

/// <summary>
/// The real host with both webhook endpoints configured (GitHub secret, GitLab token) on a fresh database, engine
/// and runner off: intake is what is under test, and with nothing running in the background every row in the
/// database was written by an answered delivery.
/// </summary>
internal sealed class FuzzHost : IAsyncDisposable
{
    private FakeGitHubServer _github = null!;
    private FakeGitLabServer _gitlab = null!;

    public TerraFlowTestHost Host { get; private set; } = null!;

    public static async Task<FuzzHost> StartAsync()
    {
        var fuzz = new FuzzHost { _github = await FakeGitHubServer.StartAsync(), _gitlab = await FakeGitLabServer.StartAsync() };
        // Commits need not wait for the disk here (a throw-away database): 20,000 deliveries fit the CI budget on a
        // busy machine, and what is committed and what not is unchanged.
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("fuzz") + ";Options=-c synchronous_commit=off";
        fuzz.Host = await TerraFlowTestHost.StartAsync(db, fuzz._github, settings: new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ApiUrl"] = fuzz._gitlab.ApiUrl,
            ["TerraFlow:GitLab:Token"] = fuzz._gitlab.Token,
            ["TerraFlow:GitLab:WebhookSecret"] = GitLabWebhooks.Secret,
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
        });
        return fuzz;
    }

    /// <summary>Row counts of every table TerraFlow has (whatever migrations added), by name.</summary>
    public async Task<Dictionary<string, long>> RowCountsAsync()
    {
        var counts = new Dictionary<string, long>();
        await using var conn = await Host.Database.OpenConnectionAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1", conn))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"select count(*) from \"{table}\"", conn);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    public async Task<HashSet<string>> DeliveryIdsAsync(string provider)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var conn = await Host.Database.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("select delivery_id from webhook_deliveries where provider = $1", conn);
        cmd.Parameters.AddWithValue(provider);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _gitlab.DisposeAsync();
        await _github.DisposeAsync();
    }
}
