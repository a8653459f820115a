using TerraFlow.Core.Drift;
using TerraFlow.Core.Projects;
using Xunit;

namespace TerraFlow.Core.Tests.Drift;

public sealed class DriftConfigTests
{
    [Fact]
    public void Top_level_drift_keys_apply_to_every_project_and_a_project_overrides_them_key_by_key()
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", """
            version: 1
            drift:
              schedule: "0 6 * * 1-5"
              window: 30m
            projects:
              - dir: network
              - dir: app
                drift:
                  schedule: "30 7 * * *"
                  timezone: Europe/Berlin
                  remediation: pull_request
              - dir: legacy
                drift:
                  schedule: off
            """);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        var byName = result.Config!.Projects.ToDictionary(p => p.Name);
        Assert.Equal(new DriftSettings("0 6 * * 1-5", null, TimeSpan.FromMinutes(30), null), byName["network"].Drift);
        Assert.Equal(new DriftSettings("30 7 * * *", "Europe/Berlin", TimeSpan.FromMinutes(30), DriftRemediation.PullRequest), byName["app"].Drift);
        Assert.False(byName["legacy"].Drift!.Resolve("0 * * * *").Enabled);
        Assert.Equal(new EffectiveDrift("0 6 * * 1-5", null, TimeSpan.FromMinutes(30), DriftRemediation.None), byName["network"].Drift!.Resolve(null));
    }

    [Fact]
    public void Autodiscovered_projects_get_the_top_level_drift_keys()
    {
        var snapshot = new InMemoryRepositorySnapshot(new Dictionary<string, string>
        {
            [".terraflow.yml"] = "version: 1\ndrift:\n  schedule: \"0 3 * * *\"\n  window: 0s\n",
            ["infra/main.tf"] = "resource \"null_resource\" \"x\" {}\n",
        });
        var discovery = ProjectDiscovery.Discover(snapshot);
        Assert.Null(discovery.Error);
        var project = Assert.Single(discovery.Projects);
        Assert.Equal(new DriftSettings("0 3 * * *", null, TimeSpan.Zero, null), project.Drift);
    }

    [Fact]
    public void Without_drift_keys_the_server_default_decides_and_off_is_the_default()
    {
        Assert.False(DriftSettings.Unset.Resolve(null).Enabled);
        Assert.False(DriftSettings.Unset.Resolve("  ").Enabled);
        var resolved = DriftSettings.Unset.Resolve("0 5 * * *");
        Assert.Equal(new EffectiveDrift("0 5 * * *", null, DriftSettings.DefaultWindow, DriftRemediation.None), resolved);
    }

    [Theory]
    [InlineData("drift:\n  schedule: \"61 * * * *\"\n", 2, "'drift' of the top level: '61 * * * *' is not a valid cron expression")]
    [InlineData("drift:\n  schedule: \"every day\"\n", 2, "it needs 5 fields")]
    [InlineData("drift:\n  schedule: \"0 6 * * *\"\n  timezone: Mars/Olympus\n", 3, "unknown time zone 'Mars/Olympus'")]
    [InlineData("drift:\n  window: soon\n", 2, "'window' must be a duration such as 15m")]
    [InlineData("drift:\n  remediation: apply\n", 2, "'remediation' must be one of none, pull_request, found 'apply'")]
    [InlineData("drift:\n  schedul: \"0 6 * * *\"\n", 2, "unknown key 'schedul' in 'drift' of the top level (did you mean 'schedule'?)")]
    [InlineData("drift: daily\n", 1, "'drift' of the top level must be a mapping")]
    [InlineData("projects:\n  - dir: app\n    drift:\n      window: 2d\n", 4, "'drift' of project #1: 'window' must be a duration")]
    public void Mistakes_are_configuration_errors_with_their_line(string yaml, int line, string message)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", "version: 1\n" + yaml);
        Assert.False(result.IsSuccess);
        Assert.Equal(line + 1, result.Error!.Line);
        Assert.Contains(message, result.Error.Message);
    }

    [Fact]
    public void Cron_schedules_read_in_their_time_zone()
    {
        var utc = CronSchedule.Parse("0 6 * * 1-5", null);
        // Saturday 2026-12-05 → Monday 2026-12-07 06:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero), utc.NextAfter(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero)));
        var berlin = CronSchedule.Parse("0 6 * * *", "Europe/Berlin");
        // 06:00 in Berlin in December is 05:00 UTC (CET, +1).
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero), berlin.NextAfter(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));
        var seconds = CronSchedule.Parse("*/15 * * * * *", null);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 0, 0, 15, TimeSpan.Zero), seconds.NextAfter(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));
    }
}
