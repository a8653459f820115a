using TerraFlow.Core.Approvals;

namespace TerraFlow.Application.Approvals;

/// <summary>
/// The workflow side of an approval link: what the link would approve, and recording the approval. The HTTP side
/// (signature, expiry, sign-in, anti-forgery) has been checked before either is called. Implemented by <see cref="ApprovalRecorder"/> over the workflow store.
/// </summary>
public interface IApprovalRecorder
{
    /// <summary>What the confirmation page shows; null when the run does not exist.</summary>
    Task<ApprovalPreview?> PreviewAsync(ApprovalClaims claims, CancellationToken ct);

    /// <summary>
    /// Records the approval in one transaction: the token id is spent (single use), the plan hash must still be the
    /// project's current plan, the run must not be superseded or closed, and the approver must be eligible.
    /// </summary>
    Task<ApprovalRecordResult> RecordAsync(ApprovalClaims claims, string approverLogin, CancellationToken ct);
}

/// <param name="Problem">Why the link can no longer approve (superseded, plan changed, already used…), or null.</param>
/// <param name="PlanSummary">One line, e.g. "2 to add, 0 to change, 1 to destroy".</param>
public sealed record ApprovalPreview(string Repository, int PullRequest, string Project, string HeadSha, string PlanSummary, string? Problem)
{
    /// <summary>The run's VCS provider: approvers sign in with that host (a login means nothing on another host).</summary>
    public required string Provider { get; init; }
}

/// <param name="StatusCode">200 when approved; 409 used/superseded/plan changed; 403 ineligible approver; 404 unknown run.</param>
public sealed record ApprovalRecordResult(bool Approved, int StatusCode, string Message);
