namespace TerraFlow.Application.Approvals;

/// <summary>
/// Secrets TerraFlow generates for itself and keeps in its own store (the approval-link signing key), shared by every
/// host on the same database. Values are never logged.
/// </summary>
public interface IServiceSecrets
{
    /// <summary>
    /// Stores <paramref name="candidate"/> under <paramref name="name"/> unless a value is there already, then returns the
    /// stored value: hosts racing at first start all get the one that won. <c>Added</c> is true for the winner only.
    /// </summary>
    Task<(byte[] Value, bool Added)> GetOrAddAsync(string name, byte[] candidate, CancellationToken ct);
}
