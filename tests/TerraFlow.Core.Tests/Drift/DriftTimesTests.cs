using TerraFlow.Core.Drift;
using Xunit;

namespace TerraFlow.Core.Tests.Drift;

public sealed class DriftTimesTests
{
    private static readonly string[] Projects = Enumerable.Range(0, 200).Select(i => $"project-{i:D3}").ToArray();

    [Fact]
    public void Two_hundred_projects_spread_over_the_window()
    {
        var window = TimeSpan.FromMinutes(15);
        var offsets = Projects.Select(p => DriftTimes.Offset("github:acme/infra", p, window)).ToList();
        Assert.All(offsets, o => Assert.InRange(o, TimeSpan.Zero, window - TimeSpan.FromSeconds(1)));
        Assert.All(offsets, o => Assert.Equal(0, o.Ticks % TimeSpan.TicksPerSecond));
        // Ten buckets of 90 s: 20 expected each; a hash that clumps (or one that ignores the project) fails this.
        var buckets = offsets.GroupBy(o => (int)(o.TotalSeconds / 90)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, buckets.Count);
        Assert.All(buckets.Values, n => Assert.InRange(n, 8, 35));
        // No minute of the window starts more than a small share of the checks.
        Assert.True(offsets.GroupBy(o => (int)o.TotalMinutes).Max(g => g.Count()) <= 30);
        Assert.True(offsets.Distinct().Count() >= 150, "offsets collide far more than chance");
    }

    [Fact]
    public void Offsets_are_stable_and_depend_on_repository_and_project()
    {
        var window = TimeSpan.FromMinutes(15);
        var first = Projects.Select(p => DriftTimes.Offset("github:acme/infra", p, window)).ToList();
        var again = Projects.Select(p => DriftTimes.Offset("github:acme/infra", p, window)).ToList();
        Assert.Equal(first, again);
        var otherRepository = Projects.Select(p => DriftTimes.Offset("gitlab:acme/infra", p, window)).ToList();
        Assert.True(first.Zip(otherRepository).Count(p => p.First != p.Second) > 180);
        // A new project does not move the others: each offset depends on its own names only.
        Assert.Equal(first[7], DriftTimes.Offset("github:acme/infra", Projects[7], window));
    }

    [Fact]
    public void A_zero_window_starts_everything_at_the_tick()
    {
        Assert.All(Projects, p => Assert.Equal(TimeSpan.Zero, DriftTimes.Offset("github:acme/infra", p, TimeSpan.Zero)));
    }

    [Fact]
    public void The_next_tick_after_an_outage_is_the_first_whose_due_time_is_in_the_future()
    {
        var hourly = CronSchedule.Parse("0 * * * *", null);
        var t0 = new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);
        var offset = TimeSpan.FromMinutes(10);
        // Due at 06:10; the host comes back at 11:05: the 11:00 tick is due at 11:10, still ahead.
        Assert.Equal(t0.AddHours(5), DriftTimes.NextTick(hourly, t0, t0.AddHours(5).AddMinutes(5), offset));
        // Back at 11:15: the 11:00 tick's due time passed too; the next is 12:00.
        Assert.Equal(t0.AddHours(6), DriftTimes.NextTick(hourly, t0, t0.AddHours(5).AddMinutes(15), offset));
        // On time (06:10): the next tick is 07:00.
        Assert.Equal(t0.AddHours(1), DriftTimes.NextTick(hourly, t0, t0.AddMinutes(10), offset));
    }
}
