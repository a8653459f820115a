namespace TerraFlow.Application.Drift;

/// <summary>Server-wide drift settings (<c>TerraFlow__Drift__*</c>).</summary>
public sealed class DriftOptions
{
    /// <summary>
    /// The schedule of every project whose default-branch configuration sets none (cron, UTC); empty = off. A
    /// project's or repository's <c>drift: { schedule: off }</c> still turns it off.
    /// </summary>
    public string? DefaultSchedule { get; set; }

    /// <summary>
    /// How often each known repository's default branch is read again for its <c>drift:</c> configuration (one clone
    /// on a runner, no Terraform). Every drift check reads it too, and a merged pull request makes it due at once.
    /// Zero turns the periodic reading off.
    /// </summary>
    public TimeSpan ConfigRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the standalone host's loop looks for due timers (the Functions timer runs on its own schedule).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>At most this many checks are started per claim (one transaction); the rest follow in the next claim.</summary>
    public int BatchSize { get; set; } = 100;
}
