using System.Text.RegularExpressions;
using TerraFlow.Core.Drift;
using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>
/// The <c>drift:</c> block of <c>.terraflow.yml</c>, at the top level or in a project: <c>schedule</c> (cron, or
/// <c>off</c>), <c>timezone</c>, <c>window</c> and <c>remediation</c>. A mistake is a configuration error with file,
/// line and column, like every other key. Only the default branch's file is ever read for drift (see Drift/README.md).
/// </summary>
internal static partial class DriftKeys
{
    public const string Key = "drift";

    private static readonly string[] Keys = ["schedule", "timezone", "window", "remediation"];

    /// <summary>The keys set in <paramref name="mapping"/>'s <c>drift:</c>, or null without one.</summary>
    public static DriftSettings? Read(YamlMappingNode mapping, string where)
    {
        if (Get(mapping, Key) is not { } node) return null;
        var inside = $"'drift' of {where}";
        var drift = Mapping(node, inside);
        CheckKeys(drift, Keys, inside);

        var timeZone = String(drift, "timezone");
        var schedule = String(drift, "schedule");
        if (schedule is not null && !string.Equals(schedule.Trim(), DriftSettings.Off, StringComparison.OrdinalIgnoreCase) &&
            !CronSchedule.TryParse(schedule, timeZone, out _, out var problem))
            throw Problem(Get(drift, timeZone is not null && problem!.StartsWith("unknown time zone", StringComparison.Ordinal) ? "timezone" : "schedule")!, $"{inside}: {problem}");
        if (timeZone is not null && schedule is null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out _))
            throw Problem(Get(drift, "timezone")!, $"{inside}: unknown time zone '{timeZone}' (use an IANA id such as Europe/Berlin, or UTC)");

        TimeSpan? window = null;
        if (String(drift, "window") is { } windowText)
        {
            window = ZeroPattern().IsMatch(windowText.Trim()) ? TimeSpan.Zero : DurationText.Parse(windowText)
                ?? throw Problem(Get(drift, "window")!, $"{inside}: 'window' must be a duration such as 15m, 1h or 0s (all at once), found '{windowText}'");
            if (window > TimeSpan.FromDays(1))
                throw Problem(Get(drift, "window")!, $"{inside}: 'window' must be at most 24h, found '{windowText}'");
        }

        DriftRemediation? remediation = null;
        if (String(drift, "remediation") is { } remediationText)
        {
            remediation = remediationText.Trim() switch
            {
                "none" => DriftRemediation.None,
                "pull_request" => DriftRemediation.PullRequest,
                _ => throw Problem(Get(drift, "remediation")!, $"{inside}: 'remediation' must be one of none, pull_request, found '{remediationText}'"),
            };
        }
        return new DriftSettings(schedule?.Trim(), timeZone?.Trim(), window, remediation);
    }

    [GeneratedRegex("^0+[hms]?$", RegexOptions.CultureInvariant)]
    private static partial Regex ZeroPattern();
}
