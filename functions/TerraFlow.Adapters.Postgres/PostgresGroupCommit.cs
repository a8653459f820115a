using System.Threading.Channels;
using Npgsql;
using TerraFlow.Application.Ports;

namespace TerraFlow.Adapters.Postgres;

/// <summary>How <see cref="PostgresGroupCommit"/> groups (configuration section <c>TerraFlow:GroupCommit</c>).</summary>
public sealed class GroupCommitOptions
{
    /// <summary>
    /// Groups that may be open at once, each on its own connection: while one commits, the next one fills. Fewer lanes
    /// make bigger groups (4 lanes: ~15 deliveries per commit at 64 in flight, 16 lanes: ~3.5), but a group's units run
    /// one after another, so on a busy machine few lanes wait longer: the load tool's full pipeline (load average
    /// 54–102) gave 0.80–0.83 of a0af417's runs/s in two of three rounds with 4 lanes and 0.96 with 16.
    /// </summary>
    public int Lanes { get; set; } = 16;

    /// <summary>
    /// Units per group at most. Each unit that writes takes a subtransaction id; PostgreSQL keeps 64 per backend in
    /// shared memory and makes every other session's snapshots slower beyond that, so this stays well below 64.
    /// </summary>
    public int MaxUnits { get; set; } = 32;
}

/// <summary>
/// Group commit on PostgreSQL (see <see cref="IGroupCommit"/>). Callers queue their unit; a lane takes the first one
/// waiting, opens a transaction and runs units one after another (each behind a savepoint whose statements ride with
/// the unit's own) for as long as more are waiting, up to <see cref="GroupCommitOptions.MaxUnits"/>, then commits once
/// and answers every caller of the group. Units that arrive while a lane commits wait for the next free lane, so the
/// groups grow with the load by themselves: one delivery alone is committed at once, 64 concurrent ones share a few
/// commits. A unit that throws is undone to its savepoint (its neighbours stay) and run again alone; if the shared
/// commit fails, every unit of the group runs again alone. So each caller gets exactly the answer it would have got
/// from a transaction of its own, only later than its commit, never before.
/// </summary>
public sealed class PostgresGroupCommit : IGroupCommit, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitOptions _options;
    private readonly Channel<Unit> _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<Task[]> _lanes;
    private long _commits;
    private long _grouped;

    public PostgresGroupCommit(NpgsqlDataSource dataSource, GroupCommitOptions options)
    {
        _dataSource = dataSource;
        _options = options;
        _lanes = new Lazy<Task[]>(() => Enumerable.Range(0, Math.Max(1, options.Lanes)).Select(_ => Task.Run(LaneAsync)).ToArray());
    }

    /// <summary>Shared commits so far (for tests and benchmarks).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Units committed through a shared commit so far.</summary>
    public long GroupedUnits => Interlocked.Read(ref _grouped);

    /// <summary>Units waiting for a lane.</summary>
    public int Waiting => _queue.Reader.Count;

    public async Task<T> RunAsync<T>(Func<IWorkflowTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var unit = new Unit<T>(work);
        _ = _lanes.Value;
        if (!_queue.Writer.TryWrite(unit)) return await AloneAsync(work, ct); // shutting down
        // A caller that gives up only stops waiting: a unit already taken by a lane runs to its group's commit (like a
        // transaction whose client went away after sending COMMIT).
        return await unit.Completion.Task.WaitAsync(ct);
    }

    private async Task LaneAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                if (reader.TryRead(out var first)) await RunGroupAsync(first, reader);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunGroupAsync(Unit first, ChannelReader<Unit> reader)
    {
        var group = new List<Unit>();
        NpgsqlConnection? conn = null;
        NpgsqlTransaction? tx = null;
        var committed = false;
        try
        {
            conn = await _dataSource.OpenConnectionAsync(_stopping.Token);
            tx = await conn.BeginTransactionAsync(_stopping.Token);
            var shared = new SharedTransaction(conn, tx);
            var unit = first;
            var healthy = true;
            while (true)
            {
                group.Add(unit);
                healthy = await RunInGroupAsync(unit, shared);
                if (!healthy || group.Count >= _options.MaxUnits || !reader.TryRead(out unit!)) break;
            }
            if (healthy)
            {
                await shared.CommitAsync(_stopping.Token);
                committed = true;
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _grouped, shared.KeptUnits);
            }
        }
        catch (Exception) when (!committed)
        {
            // The connection, the begin or the commit failed: every unit runs again alone (below).
        }
        finally
        {
            try
            {
                if (tx is not null) await tx.DisposeAsync();
                if (conn is not null) await conn.DisposeAsync();
            }
            catch (Exception)
            {
                // A broken connection may fail even its disposal; the callers must still get their answers below.
            }
        }
        if (group.Count == 0) group.Add(first);
        foreach (var unit in group)
        {
            if (committed && !unit.Failed) unit.Complete();
            else _ = unit.RunAloneAsync(this);
        }
    }

    /// <summary>Runs one unit behind its savepoint; false when the shared transaction can no longer be used.</summary>
    private async Task<bool> RunInGroupAsync(Unit unit, SharedTransaction shared)
    {
        await using var member = new PostgresWorkflowTransaction(shared);
        try
        {
            await unit.RunAsync(member, _stopping.Token);
            if (!shared.Ended) shared.End(kept: false);
            return true;
        }
        catch (Exception)
        {
            unit.Failed = true;
            try
            {
                await shared.UndoFailedUnitAsync(_stopping.Token);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }

    /// <summary>A unit in a transaction of its own (what every caller got before grouping).</summary>
    internal async Task<T> AloneAsync<T>(Func<IWorkflowTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var conn = await _dataSource.OpenConnectionAsync(ct);
        NpgsqlTransaction tx;
        try
        {
            tx = await conn.BeginTransactionAsync(ct);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
        await using var alone = new PostgresWorkflowTransaction(conn, tx);
        return await work(alone, ct);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_lanes.IsValueCreated)
        {
            // Lanes finish the units already queued, then stop; a lane stuck on an unreachable database is cancelled.
            try
            {
                await Task.WhenAll(_lanes.Value).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                await _stopping.CancelAsync();
            }
        }
    }

    /// <summary>For a container disposed synchronously: stops taking units and cancels the lanes without waiting.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        while (_queue.Reader.TryRead(out var unit)) unit.Fail(new ObjectDisposedException(nameof(PostgresGroupCommit)));
    }

    private abstract class Unit
    {
        /// <summary>The unit threw (or could not be undone) inside a group: its answer comes from a run alone.</summary>
        public bool Failed { get; set; }

        public abstract Task RunAsync(IWorkflowTransaction tx, CancellationToken ct);

        public abstract void Complete();

        public abstract void Fail(Exception error);

        public abstract Task RunAloneAsync(PostgresGroupCommit owner);
    }

    private sealed class Unit<T>(Func<IWorkflowTransaction, CancellationToken, Task<T>> work) : Unit
    {
        private T _result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task RunAsync(IWorkflowTransaction tx, CancellationToken ct) => _result = await work(tx, ct);

        public override void Complete() => Completion.TrySetResult(_result);

        public override void Fail(Exception error) => Completion.TrySetException(error);

        public override async Task RunAloneAsync(PostgresGroupCommit owner)
        {
            try
            {
                Completion.TrySetResult(await owner.AloneAsync(work, CancellationToken.None));
            }
            catch (Exception ex)
            {
                Completion.TrySetException(ex);
            }
        }
    }
}
