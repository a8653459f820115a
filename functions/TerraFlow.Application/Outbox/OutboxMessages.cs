using System.Text.Json.Serialization;

namespace TerraFlow.Application.Outbox;

/// <summary>
/// What the outbox sends to the VCS host, written in the same transaction as the state change it announces. The run
/// it belongs to is stored beside the payload, not in it; each message's properties are its stored payload.
/// </summary>
public abstract record OutboxMessage
{
    [JsonIgnore]
    public long? RunId { get; init; }
}

/// <summary>Bring the run's PR comment(s) up to date. Coalesced: one sync covers every pending one of the run.</summary>
public sealed record SyncCommentMessage : OutboxMessage
{
    public SyncCommentMessage(long runId) => RunId = runId;
}

/// <summary>
/// A commit status. Carries the repository so that sending it needs no database read. <paramref name="Provider"/> is
/// null in rows written before statuses named their provider (they were all for the original provider).
/// </summary>
public sealed record SetStatusMessage(string Owner, string Repo, long? InstallationId, string Sha, string Context, string State, string Description,
    string? Provider = null) : OutboxMessage;

/// <summary>A standalone reply (help, command errors), identified by a marker so a retry never posts twice.</summary>
public sealed record ReplyMessage(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Marker, string Body) : OutboxMessage;

/// <summary>
/// A finished drift check for one <see cref="Drift.IDriftReporter"/> (named by <see cref="Drift.DriftReporterNames"/>):
/// one row per reporter, so a reporter that fails is retried without calling the others again.
/// </summary>
public sealed record DriftReportMessage(string Reporter, TerraFlow.Core.Drift.DriftCheckResult Result) : OutboxMessage;

/// <summary>A stored row this version cannot read: an unknown kind (<paramref name="Error"/> null) or a payload that does not parse.</summary>
public sealed record UnreadableOutboxMessage(string Kind, string? Error) : OutboxMessage;

/// <summary>
/// The stored discriminator of each message type. These texts are in existing rows: never rename one; a new message
/// type gets a new kind.
/// </summary>
public static class OutboxKinds
{
    public const string SyncComment = "sync_comment";
    public const string SetStatus = "set_status";
    public const string Reply = "reply";
    public const string DriftReport = "drift_report";

    public static string Of(OutboxMessage message) => message switch
    {
        SyncCommentMessage => SyncComment,
        SetStatusMessage => SetStatus,
        ReplyMessage => Reply,
        DriftReportMessage => DriftReport,
        _ => throw new ArgumentException($"{message.GetType().Name} is not stored in the outbox", nameof(message)),
    };
}
