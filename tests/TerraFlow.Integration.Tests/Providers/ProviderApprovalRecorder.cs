using TerraFlow.Application.Approvals;
using System.Collections.Concurrent;
using TerraFlow.Core.Approvals;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Integration.Tests.Providers;

/// <summary>
/// An approval recorder for the sign-in tests: run <see cref="GitHubRun"/> is a GitHub pull request, run
/// <see cref="GitLabRun"/> a GitLab merge request; every approval is recorded (once per token) with the login that
/// made it.
/// </summary>
internal sealed class ProviderApprovalRecorder : IApprovalRecorder
{
    public const long GitHubRun = 1;
    public const long GitLabRun = 2;

    private readonly ConcurrentQueue<(long RunId, string Login)> _records = new();
    private readonly ConcurrentDictionary<string, bool> _spent = new();

    public IReadOnlyList<(long RunId, string Login)> Records => _records.ToArray();

    public Task<ApprovalPreview?> PreviewAsync(ApprovalClaims claims, CancellationToken ct) => Task.FromResult(claims.RunId switch
    {
        GitHubRun => new ApprovalPreview("acme/infra", 7, claims.Project, new string('a', 40), "1 to add, 0 to change, 0 to destroy", null) { Provider = "github" },
        GitLabRun => (ApprovalPreview?)new ApprovalPreview("acme/infra", 12, claims.Project, new string('b', 40), "2 to add, 0 to change, 0 to destroy", null) { Provider = "gitlab" },
        _ => null,
    });

    public Task<ApprovalRecordResult> RecordAsync(ApprovalClaims claims, string approverLogin, CancellationToken ct)
    {
        if (!_spent.TryAdd(claims.TokenId, true)) return Task.FromResult(new ApprovalRecordResult(false, 409, "This approval link was already used."));
        _records.Enqueue((claims.RunId, approverLogin));
        return Task.FromResult(new ApprovalRecordResult(true, 200, $"Approved as @{approverLogin}."));
    }
}
