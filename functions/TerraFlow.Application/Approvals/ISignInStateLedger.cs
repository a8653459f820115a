using TerraFlow.Core.Approvals;

namespace TerraFlow.Application.Approvals;

/// <summary>
/// Makes an OAuth sign-in state single-use on the server: the first callback that presents a state claims it; every
/// later one, whatever code it carries, is refused. Clearing the cookie only asks the browser to forget it; a copied
/// cookie would otherwise sign in again until it expires.
/// </summary>
public interface ISignInStateLedger
{
    /// <summary>True when this call is the first to use <paramref name="state"/>; false when it was used before.</summary>
    Task<bool> TryClaimAsync(SignInState state, DateTimeOffset now, CancellationToken ct);
}
