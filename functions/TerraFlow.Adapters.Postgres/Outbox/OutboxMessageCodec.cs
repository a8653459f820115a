using System.Text.Json;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Outbox;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Typed outbox message ↔ stored (kind, jsonb payload). The kinds are <see cref="OutboxKinds"/> and the payloads keep
/// the JSON shape rows were always written with, so rows written by earlier versions still read.
/// </summary>
public static class OutboxMessageCodec
{
    public static (string Kind, string Payload) Encode(OutboxMessage message) => message switch
    {
        // The run id is its own column; the payload of a sync is empty.
        SyncCommentMessage => (OutboxKinds.SyncComment, "{}"),
        _ => (OutboxKinds.Of(message), StoreJson.Serialize<object>(message)),
    };

    public static OutboxMessage Decode(string kind, string payload, long? runId)
    {
        try
        {
            OutboxMessage message = kind switch
            {
                OutboxKinds.SyncComment => runId is { } id ? new SyncCommentMessage(id) : new UnreadableOutboxMessage(kind, "sync_comment without run"),
                // Status rows written before statuses named their provider carry none (see StoredProvider).
                OutboxKinds.SetStatus => WithProvider(StoreJson.Deserialize<SetStatusMessage>(payload)),
                OutboxKinds.Reply => StoreJson.Deserialize<ReplyMessage>(payload),
                OutboxKinds.DriftReport => StoreJson.Deserialize<DriftReportMessage>(payload),
                _ => new UnreadableOutboxMessage(kind, null),
            };
            return message with { RunId = runId };
        }
        catch (JsonException ex)
        {
            return new UnreadableOutboxMessage(kind, ex.Message) { RunId = runId };
        }
    }

    private static SetStatusMessage WithProvider(SetStatusMessage status) => status with { Provider = StoredProvider.Of(status.Provider) };
}
