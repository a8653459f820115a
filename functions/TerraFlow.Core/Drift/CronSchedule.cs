using Cronos;

namespace TerraFlow.Core.Drift;

/// <summary>
/// A drift schedule: a cron expression read in a time zone (UTC unless given). The only place that knows the cron
/// library (Cronos); everything else asks this type for the next occurrence. Daylight-saving gaps and overlaps follow
/// Cronos's rules (a skipped local time runs at the jump, a repeated one runs once).
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        _zone = zone;
    }

    public string Text { get; }

    /// <summary>Parses 5-field cron (minute hour day month weekday) or 6 fields with seconds first, and a time zone id.</summary>
    public static bool TryParse(string expression, string? timeZone, out CronSchedule? schedule, out string? problem)
    {
        schedule = null;
        var text = expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            problem = $"'{expression}' is not a cron expression: it needs 5 fields (minute hour day-of-month month day-of-week), found {fields}";
            return false;
        }
        TimeZoneInfo zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out zone!))
        {
            problem = $"unknown time zone '{timeZone}' (use an IANA id such as Europe/Berlin, or UTC)";
            return false;
        }
        try
        {
            var parsed = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            schedule = new CronSchedule(text, parsed, zone);
            problem = null;
            return true;
        }
        catch (CronFormatException ex)
        {
            problem = $"'{expression}' is not a valid cron expression: {ex.Message}";
            return false;
        }
    }

    public static CronSchedule Parse(string expression, string? timeZone) =>
        TryParse(expression, timeZone, out var schedule, out var problem) ? schedule! : throw new FormatException(problem);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none (e.g. Feb 30).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.ToUniversalTime(), _zone, inclusive: false)?.ToUniversalTime();
}
