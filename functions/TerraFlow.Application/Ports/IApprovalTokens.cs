namespace TerraFlow.Application.Ports;

/// <summary>Approval links are single use: each link's token id is spent once, in the transaction that approves.</summary>
public interface IApprovalTokens
{
    /// <summary>Spends the token now; false when it was spent already (then nothing else may change: roll back).</summary>
    Task<bool> TrySpendAsync(string tokenId, long runId, string project, string approver, CancellationToken ct);
}
