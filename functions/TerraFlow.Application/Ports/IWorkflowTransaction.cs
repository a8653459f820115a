namespace TerraFlow.Application.Ports;

/// <summary>
/// One unit of work over the workflow's tables. Writes that return nothing are collected and sent together with the
/// next statement that must run now (a read, a decision, the commit), so a step costs few round trips; their order
/// is kept. Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public interface IWorkflowTransaction : IAsyncDisposable
{
    IRunStore Runs { get; }

    IInbox Inbox { get; }

    IOutbox Outbox { get; }

    IAuditLog Audit { get; }

    IWorkflowJobs Jobs { get; }

    IPlanAuthorizations PlanAuthorizations { get; }

    IProcessedMessages ProcessedMessages { get; }

    IDeliveryLog Deliveries { get; }

    IApprovalTokens ApprovalTokens { get; }

    /// <summary>Sends the collected writes now (they are sent at the commit anyway).</summary>
    Task FlushAsync(CancellationToken ct);

    /// <summary>Sends the collected writes and commits.</summary>
    Task CommitAsync(CancellationToken ct);

    Task RollbackAsync(CancellationToken ct);
}
