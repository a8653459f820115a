using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// The transaction a group of units of work shares (<see cref="PostgresGroupCommit"/>), one unit at a time, each behind
/// the savepoint <see cref="Savepoint"/>. What ends a unit (release, or rollback to the savepoint) is not sent on its
/// own: it is carried to the front of the next unit's first statement, or to the commit, so a unit costs the round
/// trips of its own statements only.
/// </summary>
internal sealed class SharedTransaction(NpgsqlConnection conn, NpgsqlTransaction tx)
{
    public const string Savepoint = "group_unit";

    private readonly List<string> _carried = [];
    private bool _preludeSent;

    public NpgsqlConnection Connection => conn;

    public NpgsqlTransaction Transaction => tx;

    /// <summary>Whether the current unit has committed or rolled back.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether the current unit ended with a commit (its writes stay).</summary>
    public bool Kept { get; private set; }

    /// <summary>Units whose writes are in the transaction (they commit with it).</summary>
    public int KeptUnits { get; private set; }

    /// <summary>Starts the next unit: the statements its first round trip must begin with (what ended the last one, its savepoint).</summary>
    public IReadOnlyList<string> Prelude()
    {
        Ended = false;
        Kept = false;
        _preludeSent = false;
        return [.. _carried, $"savepoint {Savepoint}"];
    }

    /// <summary>The unit is about to send its first statements (the prelude with them).</summary>
    public void PreludeSent()
    {
        if (_preludeSent) return;
        _preludeSent = true;
        _carried.Clear();
    }

    public void End(bool kept)
    {
        if (Ended) return;
        Ended = true;
        Kept = kept;
        if (!_preludeSent) return; // nothing of it was sent: nothing to release or undo
        if (kept) KeptUnits++;
        else _carried.Add($"rollback to savepoint {Savepoint}");
        _carried.Add($"release savepoint {Savepoint}");
    }

    /// <summary>
    /// After the unit threw: undoes what it sent, now (a failed statement leaves the transaction aborted until then).
    /// Throws when even that fails; the shared transaction is then lost.
    /// </summary>
    public async Task UndoFailedUnitAsync(CancellationToken ct)
    {
        if (Ended && Kept && _preludeSent) KeptUnits--;
        Ended = true;
        Kept = false;
        if (!_preludeSent) return;
        // The unit may have ended before it threw: what that carried is replaced by the undo below.
        _carried.Clear();
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands = { new($"rollback to savepoint {Savepoint}"), new($"release savepoint {Savepoint}") },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Undoes the last unit if it rolled back, then commits (which releases a savepoint still open).</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (_carried.Any(sql => sql.StartsWith("rollback", StringComparison.Ordinal)))
        {
            await using var batch = new NpgsqlBatch(conn, tx);
            foreach (var sql in _carried) batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
            _carried.Clear();
            await batch.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
