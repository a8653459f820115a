using TerraFlow.Application.Approvals;
using System.Collections.Concurrent;
using TerraFlow.Core.Approvals;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>
/// A stand-in for the PostgreSQL approval recorder (not written yet when these HTTP tests were): it previews any run
/// and approves each token id once, and counts every call, so tests can prove a refused request recorded nothing.
/// Run <see cref="MissingRun"/> does not exist; run <see cref="SupersededRun"/> has a problem.
/// </summary>
internal sealed class CountingApprovalRecorder : IApprovalRecorder
{
    public const long MissingRun = 404;
    public const long SupersededRun = 409;

    private readonly ConcurrentDictionary<string, string> _spent = new();
    private readonly ConcurrentQueue<(ApprovalClaims Claims, string Login)> _recordCalls = new();

    public IReadOnlyList<(ApprovalClaims Claims, string Login)> RecordCalls => _recordCalls.ToArray();

    public int RecordCallsFor(long runId) => _recordCalls.Count(c => c.Claims.RunId == runId);

    public Task<ApprovalPreview?> PreviewAsync(ApprovalClaims claims, CancellationToken ct) => Task.FromResult(claims.RunId switch
    {
        MissingRun => null,
        SupersededRun => new ApprovalPreview("acme/infra", 7, claims.Project, new string('b', 40), "1 to add, 0 to change, 0 to destroy",
            "A newer push superseded this plan.") { Provider = "github" },
        _ => (ApprovalPreview?)new ApprovalPreview("acme/infra", 7, claims.Project, new string('a', 40), "2 to add, 0 to change, 1 to destroy", null) { Provider = "github" },
    });

    public Task<ApprovalRecordResult> RecordAsync(ApprovalClaims claims, string approverLogin, CancellationToken ct)
    {
        _recordCalls.Enqueue((claims, approverLogin));
        return Task.FromResult(_spent.TryAdd(claims.TokenId, approverLogin)
            ? new ApprovalRecordResult(true, 200, $"{approverLogin} approved {claims.Project}.")
            : new ApprovalRecordResult(false, 409, "This approval link was already used."));
    }
}
