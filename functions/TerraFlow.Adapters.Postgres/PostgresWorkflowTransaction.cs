using TerraFlow.Application.Outbox;
using Npgsql;
using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// One workflow unit of work on one connection and transaction. Writes that return nothing are collected in a
/// <see cref="SqlBatch"/> and sent with the next statement that must run now, or at the commit: a step costs the
/// round trips of its reads, not of its writes. The SQL lives in the repositories this class calls.
/// </summary>
public sealed class PostgresWorkflowTransaction : IWorkflowTransaction, IRunStore, IInbox, IOutbox, IAuditLog, IWorkflowJobs,
    IPlanAuthorizations, IProcessedMessages, IDeliveryLog, IApprovalTokens
{
    /// <summary>The one-apply-per-plan key (<c>applies</c>' primary key, migration 0004).</summary>
    public const string OneApplyPerPlanConstraint = "applies_pkey";

    private readonly NpgsqlConnection _conn;
    private readonly NpgsqlTransaction _tx;
    private readonly SqlBatch _pending;

    /// <summary>Set when this unit is one savepoint of a shared transaction (<see cref="PostgresGroupCommit"/>).</summary>
    private readonly SharedTransaction? _shared;

    /// <summary>A reclaim (<see cref="IInbox.Reclaim"/>) not sent yet, and once read, whether it took the item back.</summary>
    private InboxLease? _reclaim;
    private bool? _reclaimed;

    /// <summary>Takes over <paramref name="conn"/> and <paramref name="tx"/>: disposing this disposes both.</summary>
    internal PostgresWorkflowTransaction(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        _conn = conn;
        _tx = tx;
        _pending = new SqlBatch(conn, tx);
    }

    /// <summary>
    /// A unit of work behind a savepoint of <paramref name="shared"/>: its savepoint (and how the previous unit ended)
    /// goes out with its first statement; commit and rollback end the savepoint only, and disposing leaves the shared
    /// connection and transaction open.
    /// </summary>
    internal PostgresWorkflowTransaction(SharedTransaction shared)
        : this(shared.Connection, shared.Transaction)
    {
        _shared = shared;
        foreach (var sql in shared.Prelude()) _pending.Add(sql);
    }

    public IRunStore Runs => this;
    public IInbox Inbox => this;
    public IOutbox Outbox => this;
    public IAuditLog Audit => this;
    public IWorkflowJobs Jobs => this;
    public IPlanAuthorizations PlanAuthorizations => this;
    public IProcessedMessages ProcessedMessages => this;
    public IDeliveryLog Deliveries => this;
    public IApprovalTokens ApprovalTokens => this;

    public async Task FlushAsync(CancellationToken ct)
    {
        // The first statements sent carry the unit's savepoint (collected first).
        _shared?.PreludeSent();
        // A reclaim not sent yet goes first: whatever follows it may depend on holding the item.
        if (_reclaim is { } lease)
        {
            _reclaim = null;
            await using var claim = new NpgsqlBatch(_conn, _tx);
            foreach (var command in ReclaimCommands(lease)) claim.BatchCommands.Add(command);
            await using var r = await claim.ExecuteReaderAsync(ct);
            _reclaimed = await r.ReadAsync(ct);
        }
        await _pending.ExecuteAsync(ct);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await FlushAsync(ct);
        if (_shared is not null)
        {
            // Kept: the savepoint's release rides with the next unit's first statement or the shared commit.
            _shared.End(kept: true);
            return;
        }
        await _tx.CommitAsync(ct);
    }

    public async Task RollbackAsync(CancellationToken ct)
    {
        _pending.Discard();
        if (_shared is not null)
        {
            // Only this unit's writes are undone, before anything else is sent on the shared transaction.
            _shared.End(kept: false);
            return;
        }
        await _tx.RollbackAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null)
        {
            // Ended without a commit: undone, like a transaction disposed without one.
            if (!_shared.Ended) _shared.End(kept: false);
            return;
        }
        await _tx.DisposeAsync();
        await _conn.DisposeAsync();
    }

    // ---- runs

    async Task<StoredRun?> IRunStore.LoadAsync(long runId, bool forUpdate, CancellationToken ct, IReadOnlyCollection<string>? lockKeys, bool previousPlans)
    {
        if (_reclaim is { } lease && _pending.IsEmpty)
        {
            // The step's first read carries the reclaim: its lock and savepoint, then the run (one round trip).
            _reclaim = null;
            return await RunRepository.LoadAsync(_conn, _tx, runId, forUpdate, ct, lockKeys, previousPlans,
                ReclaimCommands(lease), async (r, ct2) => _reclaimed = await r.ReadAsync(ct2));
        }
        await FlushAsync(ct);
        return await RunRepository.LoadAsync(_conn, _tx, runId, forUpdate, ct, lockKeys, previousPlans);
    }

    async Task<string?> IRunStore.RequestedProjectAsync(long runId, CancellationToken ct)
    {
        await FlushAsync(ct);
        return await RunRepository.RequestedProjectAsync(_conn, _tx, runId, ct);
    }

    async Task<(long RunId, IReadOnlyList<long> Superseded)> IRunStore.InsertSupersedingAsync(NewRun run, CancellationToken ct)
    {
        // Collected writes (in a group: the unit's savepoint) go out in the insert's round trip.
        if (_reclaim is null && _pending.TryTake(out var before))
        {
            _shared?.PreludeSent();
            return await RunRepository.InsertSupersedingAsync(_conn, _tx, run, ct, before);
        }
        await FlushAsync(ct);
        return await RunRepository.InsertSupersedingAsync(_conn, _tx, run, ct);
    }

    async Task<IReadOnlyList<long>> IRunStore.OpenRunIdsAsync(PullRequestAddress pr, CancellationToken ct)
    {
        await FlushAsync(ct);
        return await RunRepository.ActiveRunIdsAsync(_conn, _tx, pr.Provider, pr.Repo, pr.Number, ct);
    }

    async Task<long?> IRunStore.LatestRunIdAsync(PullRequestAddress pr, CancellationToken ct)
    {
        await FlushAsync(ct);
        return await RunRepository.LatestRunIdAsync(_conn, _tx, pr.Provider, pr.Repo, pr.Number, ct);
    }

    /// <summary>
    /// A decision without an apply is collected. One that starts applies is sent now behind a savepoint: when its
    /// <c>applies</c> row meets the one-apply-per-plan key (SqlState 23505), the decision is undone and the caller gets
    /// <see cref="DecisionWrite.ApplyAlreadyRecorded"/> instead of a failed transaction.
    /// </summary>
    async Task<DecisionWrite> IRunStore.WriteDecisionAsync(StoredRun run, Decision decision, string actor, string? deliveryId, CancellationToken ct)
    {
        var applies = decision.Changed ? decision.Effects.OfType<EnqueueApply>().Select(a => a.Project.Name).ToList() : [];
        if (applies.Count == 0)
        {
            DecisionWriter.Add(_pending, run, decision, actor, deliveryId);
            return DecisionWrite.Written;
        }
        _pending.Add("savepoint one_apply_per_plan");
        DecisionWriter.Add(_pending, run, decision, actor, deliveryId);
        try
        {
            await FlushAsync(ct);
            return DecisionWrite.Written;
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: OneApplyPerPlanConstraint })
        {
            await WorkItemTransaction.ExecAsync(_conn, _tx, "rollback to savepoint one_apply_per_plan", ct);
            return new DecisionWrite.ApplyAlreadyRecorded(applies);
        }
    }

    void IRunStore.MarkUntrusted(long runId) => _pending.Add("update runs set untrusted = true, updated_at = now() where id = $1", runId);

    // ---- inbox

    void IInbox.Add(InboxMessage message) => InboxRepository.Add(_pending, message);

    async Task<ClaimedInboxItem?> IInbox.ClaimNextAsync(TimeSpan? factsLease, CancellationToken ct)
    {
        await FlushAsync(ct);
        // Claim, lease and savepoint in one round trip; the savepoint lets a failed attempt be undone while the row
        // stays locked (a lease taken by the claim stays too: recording the failure sets the next due time anyway).
        // Job results are decided without the VCS host (WorkflowEngine), so they are never leased.
        await using var claim = WorkItemTransaction.ClaimBatch(_conn, _tx, $"""
            with claimed as (
                select id, kind, payload, attempts from workflow_inbox
                where processed_at is null and available_at <= now()
                order by available_at, id limit 1 for update skip locked
            ), leased as (
                update workflow_inbox w set available_at = now() + $1::interval
                from claimed c where w.id = c.id and $1::interval is not null and c.kind <> '{InboxKinds.JobResult}'
                returning w.id, w.available_at
            )
            select c.id, c.kind, c.payload::text, c.attempts, l.available_at from claimed c left join leased l on l.id = c.id
            """);
        claim.BatchCommands[0].Parameters.Add(new NpgsqlParameter { Value = (object?)factsLease ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
        await using var r = await claim.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var kind = r.GetString(1);
        return new ClaimedInboxItem(r.GetInt64(0), kind, InboxCodec.Decode(kind, r.GetString(2)), r.GetInt32(3))
        {
            LeasedUntil = r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
        };
    }

    async Task<InboxLease> IInbox.LeaseAsync(ClaimedInboxItem item, TimeSpan lease, CancellationToken ct)
    {
        await FlushAsync(ct);
        await using var cmd = new NpgsqlCommand("update workflow_inbox set available_at = now() + $2 where id = $1 returning available_at", _conn, _tx);
        cmd.Parameters.AddWithValue(item.Id);
        cmd.Parameters.AddWithValue(lease);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new InboxLease(item, r.GetFieldValue<DateTimeOffset>(0));
    }

    void IInbox.Reclaim(InboxLease lease)
    {
        _reclaim = lease;
        _reclaimed = null;
    }

    async Task<bool> IInbox.ReclaimedAsync(CancellationToken ct)
    {
        if (_reclaim is not null) await FlushAsync(ct);
        // Unknown only when the statement that carried the reclaim failed before its result was read.
        return _reclaimed ?? throw new InvalidOperationException("the inbox item's reclaim was not sent or failed");
    }

    /// <summary>The reclaim's lock (a row when the lease is still this engine's) and the work item's savepoint.</summary>
    private static NpgsqlBatchCommand[] ReclaimCommands(InboxLease lease)
    {
        var select = new NpgsqlBatchCommand("select 1 from workflow_inbox where id = $1 and processed_at is null and available_at = $2 for update");
        select.Parameters.Add(new NpgsqlParameter { Value = lease.Item.Id });
        select.Parameters.Add(new NpgsqlParameter { Value = lease.Until });
        return [select, new NpgsqlBatchCommand("savepoint work_item")];
    }

    async Task IInbox.ReleaseAsync(InboxLease lease, CancellationToken ct)
    {
        await FlushAsync(ct);
        await WorkItemTransaction.ExecAsync(_conn, _tx, "update workflow_inbox set available_at = now() where id = $1 and available_at = $2 and processed_at is null",
            ct, lease.Item.Id, lease.Until);
    }

    void IInbox.MarkProcessed(long id) => _pending.Add("update workflow_inbox set processed_at = now() where id = $1", id);

    async Task IInbox.RecordFailureAsync(long id, string error, bool giveUp, CancellationToken ct)
    {
        // What the failed attempt collected is undone with it.
        _pending.Discard();
        await WorkItemTransaction.RecordFailureAsync(_conn, _tx, WorkItemTransaction.WorkTable.Inbox, id, error, giveUp, ct);
    }

    // ---- outbox, audit, jobs

    void IOutbox.AddReply(long? runId, PullRequestAddress pr, string marker, string body) =>
        OutboxRepository.Add(_pending, new ReplyMessage(pr.Provider, pr.Repo.Owner, pr.Repo.Name, pr.Repo.InstallationId, pr.Number, marker, body) { RunId = runId });

    void IAuditLog.Add(long? runId, string actor, string action, string detail, string? deliveryId) => AuditLog.Add(_pending, runId, actor, action, detail, deliveryId);

    void IWorkflowJobs.Enqueue(JobSpec spec) => JobRepository.Add(_pending, spec);

    void IWorkflowJobs.FinishDispatched(long jobId) =>
        _pending.Add("update jobs set status = 'succeeded', finished_at = now() where id = $1 and status = 'dispatched'", jobId);

    // ---- plan authorizations

    void IPlanAuthorizations.Add(PullRequestAddress pr, string headSha, string by, string deliveryId) =>
        Postgres.PlanAuthorizations.Add(_pending, pr.Provider, pr.Repo, pr.Number, headSha, by, deliveryId);

    async Task<string?> IPlanAuthorizations.FindAsync(PullRequestAddress pr, string headSha, CancellationToken ct)
    {
        await FlushAsync(ct);
        return await Postgres.PlanAuthorizations.FindAsync(_conn, _tx, pr.Provider, pr.Repo, pr.Number, headSha, ct);
    }

    async Task<string?> IPlanAuthorizations.HeadAtAsync(PullRequestAddress pr, DateTimeOffset at, CancellationToken ct)
    {
        await FlushAsync(ct);
        return await Postgres.PlanAuthorizations.HeadAtAsync(_conn, _tx, pr.Provider, pr.Repo, pr.Number, at, ct);
    }

    // ---- processed messages and deliveries

    async Task<bool> IProcessedMessages.TryRecordAsync(string source, string messageId, bool accepted, string? detail, int? deliveryCount, CancellationToken ct)
    {
        var insert = _pending.Add("""
            insert into processed_messages (source, message_id, outcome, detail, delivery_count) values ($1, $2, $3, $4, $5)
            on conflict (source, message_id) do nothing
            """, source, messageId, accepted ? "accepted" : "rejected", SqlBatch.Text(detail), new NpgsqlParameter { Value = (object?)deliveryCount ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await FlushAsync(ct);
        return insert.RecordsAffected > 0;
    }

    PendingInsert IDeliveryLog.AddDelivery(string provider, string deliveryId, string eventName, string? action, string outcome, long? runId) =>
        new Pending(_pending.Add("""
            insert into webhook_deliveries (provider, delivery_id, event, action, outcome, run_id) values ($1, $2, $3, $4, $5, $6)
            on conflict do nothing
            """, provider, deliveryId, eventName, SqlBatch.Text(action), outcome, SqlBatch.Bigint(runId)));

    PendingInsert IDeliveryLog.AddCommandSeen(string provider, RepoRef repo, string kind, long vcsId, string deliveryId) =>
        new Pending(_pending.Add("""
            insert into vcs_commands_seen (provider, repo_owner, repo_name, kind, vcs_id, delivery_id) values ($1, $2, $3, $4, $5, $6)
            on conflict do nothing
            """, provider, repo.Owner, repo.Name, kind, vcsId, deliveryId));

    void IDeliveryLog.AddInstallation(string provider, long installationId, string account, string action) =>
        _pending.Add("""
            insert into installations (provider, installation_id, account, last_action) values ($1, $2, $3, $4)
            on conflict (provider, installation_id) do update set account = excluded.account, last_action = excluded.last_action, updated_at = now()
            """, provider, installationId, account, action);

    // ---- approval links

    async Task<bool> IApprovalTokens.TrySpendAsync(string tokenId, long runId, string project, string approver, CancellationToken ct)
    {
        await FlushAsync(ct);
        return await Postgres.ApprovalTokens.TrySpendAsync(_conn, _tx, tokenId, runId, project, approver, ct);
    }

    private sealed class Pending(NpgsqlBatchCommand command) : PendingInsert
    {
        public override bool Inserted => command.RecordsAffected > 0;
    }
}
