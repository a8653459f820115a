using System.Globalization;
using TerraFlow.Core.Drift;
using TerraFlow.Integration.Tests.Infrastructure;
using Xunit;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// Two real TerraFlow hosts (each with its drift loop, engine and in-process runner) on one database, a schedule with
/// several due times: each due check runs once, counted where it cannot lie: the Terraform stand-in's plans log.
/// </summary>
public sealed class DriftTwoHostsTests
{
    [Fact]
    public async Task Two_hosts_on_one_database_run_each_due_check_once()
    {
        // Four due times (every 15 s) inside one minute that starts after the configuration has been read; no more after.
        var minute = DateTimeOffset.UtcNow.AddSeconds(75);
        minute = new DateTimeOffset(minute.Year, minute.Month, minute.Day, minute.Hour, minute.Minute, 0, TimeSpan.Zero);
        var cron = string.Create(CultureInfo.InvariantCulture, $"*/15 {minute.Minute} {minute.Hour} {minute.Day} {minute.Month} *");
        await using var bed = await DriftTestBed.StartAsync($"  schedule: \"{cron}\"\n  window: 0s\n", hosts: 2, database: "drift_two_hosts");
        var ids = await bed.ProjectsAsync();

        // After the last due time, wait until every started check is finished and reported.
        await Task.Delay(minute.AddMinutes(1) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2));
        await Eventually.ValueAsync(() => DriftCheckTests.Scalar(bed.Host.Database, "select count(*) from drift_checks where finished_at is null"),
            open => open == 0, TimeSpan.FromMinutes(4), "the scheduled checks to finish");

        foreach (var project in new[] { "drifted", "clean", "broken" })
        {
            await using var cmd = bed.Host.Database.CreateCommand("select due_at, state from drift_checks where project_id = $1 and trigger_kind = 'schedule' order by due_at");
            cmd.Parameters.AddWithValue(ids[project]);
            var checks = new List<(DateTimeOffset Due, string State)>();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) checks.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1)));

            // Every check belongs to one of the four due times, and no due time started twice.
            Assert.InRange(checks.Count, 2, 4);
            Assert.Equal(checks.Count, checks.Select(c => c.Due).Distinct().Count());
            Assert.All(checks, c => Assert.True(c.Due >= minute && c.Due < minute.AddMinutes(1) && c.Due.Second % 15 == 0, $"due {c:o}"));
            Assert.All(checks, c => Assert.Equal(project == "drifted" ? "drifted" : project == "clean" ? "clean" : "failed", c.State));
            // The stand-in planned exactly once per check (the failing init never reaches plan).
            Assert.Equal(project == "broken" ? 0 : checks.Count, bed.Plans(project));
            // And each result reached the reporter exactly once, whichever host sent it.
            var reported = await Eventually.ValueAsync(() => bed.Reporter.For(project).Count(r => r.RunId > 0), n => n >= checks.Count, TimeSpan.FromSeconds(60), "reports");
            Assert.Equal(checks.Count, reported);
        }
        Assert.Equal(DriftState.Drifted, bed.Reporter.For("drifted")[^1].State);
    }
}
