using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Postgres.Drift;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;
using TerraFlow.Testing.Postgres;
using Xunit;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// The timer rows on real PostgreSQL with a clock the test moves: several schedulers (as several hosts would run)
/// claim due rows at the same time, and each due check starts exactly once; a scheduler that was away over several
/// ticks starts one check, not one per missed tick.
/// </summary>
public sealed class DriftTimerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_hundred_projects_over_three_ticks_with_four_schedulers_start_each_due_check_once()
    {
        await using var db = await MigratedAsync("drift_timers");
        var window = TimeSpan.FromMinutes(15);
        var offsets = await SeedAsync(db, projects: 200, "0 * * * *", window);
        var clock = new ManualClock(T0);

        for (var tick = 0; tick < 3; tick++)
        {
            // Past the whole window of this tick: every project is due.
            clock.Now = T0.AddHours(tick) + window;
            var schedulers = Enumerable.Range(0, 4).Select(_ => Scheduler(db, clock, batch: 30)).ToList();
            var started = await Task.WhenAll(schedulers.Select(DrainAsync));
            Assert.Equal(200, started.Sum());
        }

        // Each project: three checks, one per tick, each at its own offset into the tick.
        await using var cmd = db.CreateCommand("select p.name, c.due_at from drift_checks c join projects p on p.id = c.project_id order by p.name, c.due_at");
        var checks = new List<(string Project, DateTimeOffset Due)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) checks.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        Assert.Equal(600, checks.Count);
        foreach (var group in checks.GroupBy(c => c.Project))
        {
            var expected = Enumerable.Range(0, 3).Select(h => T0.AddHours(h) + offsets[group.Key]).ToArray();
            Assert.Equal(expected, group.Select(c => c.Due).ToArray());
        }
        Assert.Equal(600L, await DriftCheckTests.Scalar(db, "select count(*) from jobs where kind = 'drift'"));
        Assert.Equal(600L, await DriftCheckTests.Scalar(db, "select count(*) from runs where trigger_kind = 'schedule'"));
    }

    [Fact]
    public async Task Checks_of_one_tick_start_at_their_offsets_through_the_window()
    {
        await using var db = await MigratedAsync("drift_window");
        var window = TimeSpan.FromMinutes(15);
        var offsets = await SeedAsync(db, projects: 200, "0 * * * *", window);
        var clock = new ManualClock(T0);
        var scheduler = Scheduler(db, clock, batch: 500);
        var total = 0;
        for (var minute = 0; minute <= 15; minute++)
        {
            clock.Now = T0.AddMinutes(minute);
            var started = await scheduler.RunDueAsync(CancellationToken.None);
            // Exactly the projects whose offset passed since the last poll start now.
            var expected = offsets.Values.Count(o => o <= TimeSpan.FromMinutes(minute) && (minute == 0 || o > TimeSpan.FromMinutes(minute - 1)));
            Assert.Equal(expected, started);
            // No minute of the window starts more than a fair share plus slack (200 / 15 ≈ 13).
            Assert.True(started <= 30, $"{started} checks started in minute {minute}");
            total += started;
        }
        Assert.Equal(200, total);
    }

    [Fact]
    public async Task A_scheduler_away_over_five_ticks_starts_the_missed_check_once_and_continues_from_now()
    {
        await using var db = await MigratedAsync("drift_missed");
        await SeedAsync(db, projects: 1, "0 * * * *", TimeSpan.Zero);
        var clock = new ManualClock(T0.AddHours(5).AddMinutes(7));
        var scheduler = Scheduler(db, clock, batch: 10);

        Assert.Equal(1, await scheduler.RunDueAsync(CancellationToken.None));
        Assert.Equal(0, await scheduler.RunDueAsync(CancellationToken.None));
        await using (var cmd = db.CreateCommand("select due_at from drift_schedules"))
            Assert.Equal(T0.AddHours(6), (DateTimeOffset)(await cmd.ExecuteScalarAsync())!);

        clock.Now = T0.AddHours(6);
        Assert.Equal(1, await scheduler.RunDueAsync(CancellationToken.None));
        Assert.Equal(2L, await DriftCheckTests.Scalar(db, "select count(*) from drift_checks"));
    }

    [Fact]
    public async Task A_check_claimed_by_a_transaction_that_rolls_back_stays_due()
    {
        await using var db = await MigratedAsync("drift_rollback");
        await SeedAsync(db, projects: 1, "0 * * * *", TimeSpan.Zero);
        var store = new PostgresDriftStore(db);
        await using (var tx = await store.BeginAsync(CancellationToken.None))
        {
            var due = await tx.ClaimDueChecksAsync(T0.AddMinutes(1), 10, CancellationToken.None);
            Assert.Single(due);
            // While this claim holds the row, another host sees nothing due.
            Assert.Equal(0, await Scheduler(db, new ManualClock(T0.AddMinutes(1)), 10).RunDueAsync(CancellationToken.None));
            // Disposed without commit: the host "crashed" before starting the check.
        }
        Assert.Equal(1, await Scheduler(db, new ManualClock(T0.AddMinutes(2)), 10).RunDueAsync(CancellationToken.None));
    }

    private static async Task<int> DrainAsync(DriftScheduler scheduler)
    {
        await Task.Yield();
        var total = 0;
        int batch;
        while ((batch = await scheduler.RunDueAsync(CancellationToken.None)) > 0) total += batch;
        return total;
    }

    private static DriftScheduler Scheduler(NpgsqlDataSource db, TimeProvider clock, int batch) =>
        new(new PostgresDriftStore(db), new DriftOptions { BatchSize = batch, ConfigRefreshInterval = TimeSpan.Zero }, clock, NullLogger<DriftScheduler>.Instance);

    private static async Task<NpgsqlDataSource> MigratedAsync(string name)
    {
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync(name));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return db;
    }

    /// <summary>A repository with <paramref name="projects"/> projects on one schedule whose first tick is <see cref="T0"/>; returns each project's offset.</summary>
    private static async Task<Dictionary<string, TimeSpan>> SeedAsync(NpgsqlDataSource db, int projects, string cron, TimeSpan window)
    {
        long repository;
        await using (var cmd = db.CreateCommand("insert into repositories (provider, owner, name, clone_url) values ('github', 'acme', 'infra', '/nowhere') returning id"))
            repository = (long)(await cmd.ExecuteScalarAsync())!;
        var offsets = new Dictionary<string, TimeSpan>();
        for (var i = 0; i < projects; i++)
        {
            var name = $"project-{i:D3}";
            var offset = DriftTimes.Offset("github:acme/infra", name, window);
            offsets[name] = offset;
            await using var cmd = db.CreateCommand("""
                with p as (insert into projects (repository_id, name, dir, workspace) values ($1, $2, $2, 'default') returning id)
                insert into drift_schedules (project_id, repository_id, schedule, window_seconds, offset_seconds, next_tick_at, due_at)
                select id, $1, $3, $4, $5, $6, $7 from p
                """);
            cmd.Parameters.AddWithValue(repository);
            cmd.Parameters.AddWithValue(name);
            cmd.Parameters.AddWithValue(cron);
            cmd.Parameters.AddWithValue((int)window.TotalSeconds);
            cmd.Parameters.AddWithValue((int)offset.TotalSeconds);
            cmd.Parameters.AddWithValue(T0);
            cmd.Parameters.AddWithValue(T0 + offset);
            await cmd.ExecuteNonQueryAsync();
        }
        return offsets;
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
