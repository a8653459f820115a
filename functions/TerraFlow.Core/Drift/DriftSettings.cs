namespace TerraFlow.Core.Drift;

/// <summary>What a drift check may do besides reporting. Never an apply.</summary>
public enum DriftRemediation
{
    /// <summary>Report only (the default).</summary>
    None,

    /// <summary>Also propose the fix as a plan on a pull request; a human applies it. TerraFlow never applies drift fixes itself.</summary>
    PullRequest,
}

/// <summary>
/// The <c>drift:</c> keys as one place of <c>.terraflow.yml</c> wrote them (top level or a project); null = not set
/// there. A project's keys override the top level's key by key (<see cref="Over"/>), and the server default
/// (<c>TerraFlow__Drift__DefaultSchedule</c>) fills a schedule nobody set (<see cref="Resolve"/>).
/// </summary>
/// <param name="Schedule">A cron expression (5 fields, or 6 with seconds), or <see cref="Off"/>.</param>
/// <param name="TimeZone">IANA or Windows time zone id the schedule is read in; UTC when not set.</param>
/// <param name="Window">Checks of one tick are spread over this long; zero = all at once.</param>
public sealed record DriftSettings(string? Schedule, string? TimeZone, TimeSpan? Window, DriftRemediation? Remediation)
{
    /// <summary><c>schedule: off</c>: no checks, even when the server has a default schedule.</summary>
    public const string Off = "off";

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(15);

    public static readonly DriftSettings Unset = new(null, null, null, null);

    /// <summary>These keys where set, <paramref name="outer"/>'s elsewhere.</summary>
    public DriftSettings Over(DriftSettings? outer) => outer is null ? this : new(
        Schedule ?? outer.Schedule, TimeZone ?? outer.TimeZone, Window ?? outer.Window, Remediation ?? outer.Remediation);

    /// <summary>The schedule a project runs on: its own (or the top level's), else the server default; off = null.</summary>
    public EffectiveDrift Resolve(string? serverDefaultSchedule)
    {
        var schedule = Schedule ?? (string.IsNullOrWhiteSpace(serverDefaultSchedule) ? null : serverDefaultSchedule.Trim());
        if (schedule is null || string.Equals(schedule, Off, StringComparison.OrdinalIgnoreCase))
            return new EffectiveDrift(null, null, Window ?? DefaultWindow, Remediation ?? DriftRemediation.None);
        return new EffectiveDrift(schedule, TimeZone, Window ?? DefaultWindow, Remediation ?? DriftRemediation.None);
    }
}

/// <summary>A project's drift schedule after defaults; <see cref="Schedule"/> null = drift detection off.</summary>
public sealed record EffectiveDrift(string? Schedule, string? TimeZone, TimeSpan Window, DriftRemediation Remediation)
{
    public bool Enabled => Schedule is not null;
}
