using Npgsql;
using NpgsqlTypes;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Collects the statements of one workflow step and sends them in a single round trip (an <see cref="NpgsqlBatch"/>),
/// inside the caller's transaction. Round trips, not statements, are what a step costs on a busy machine.
/// Notifications are added once per channel, however many rows asked for them.
/// </summary>
public sealed class SqlBatch(NpgsqlConnection conn, NpgsqlTransaction tx)
{
    private readonly NpgsqlBatch _batch = new(conn, tx);
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);

    public int Count => _batch.BatchCommands.Count;

    /// <summary>Nothing to send: no statements and no notifications.</summary>
    public bool IsEmpty => _batch.BatchCommands.Count == 0 && _channels.Count == 0;

    public NpgsqlBatchCommand Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        _batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>Wakes listeners on <paramref name="channel"/> when the transaction commits.</summary>
    public void Notify(string channel) => _channels.Add(channel);

    public async Task ExecuteAsync(CancellationToken ct)
    {
        AddNotifications();
        if (_batch.BatchCommands.Count == 0) return;
        try
        {
            await _batch.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            // A failed batch is not sent again: the caller rolls back (to a savepoint) and carries on without it.
            _batch.BatchCommands.Clear();
        }
    }

    /// <summary>
    /// Hands the collected statements over to be sent ahead of a statement whose rows the caller reads (they return no
    /// rows themselves), saving a round trip; false, and nothing taken, when notifications are pending (those return rows).
    /// </summary>
    public bool TryTake(out IReadOnlyList<NpgsqlBatchCommand> statements)
    {
        statements = [];
        if (_channels.Count > 0) return false;
        statements = [.. _batch.BatchCommands.Cast<NpgsqlBatchCommand>()];
        _batch.BatchCommands.Clear();
        return true;
    }

    /// <summary>Drops the statements not sent yet (their work was undone, e.g. by a rollback to a savepoint).</summary>
    public void Discard()
    {
        _batch.BatchCommands.Clear();
        _channels.Clear();
    }

    /// <summary>Runs the batch and returns the first column of the first row the first statement returned.</summary>
    public async Task<object?> ExecuteScalarAsync(CancellationToken ct)
    {
        AddNotifications();
        var value = await _batch.ExecuteScalarAsync(ct);
        _batch.BatchCommands.Clear();
        return value;
    }

    private void AddNotifications()
    {
        foreach (var channel in _channels) Add("select pg_notify($1, '')", channel);
        _channels.Clear();
    }

    public static NpgsqlParameter Bigint(long? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };

    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
