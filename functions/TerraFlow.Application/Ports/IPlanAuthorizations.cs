namespace TerraFlow.Application.Ports;

/// <summary>
/// A maintainer's <c>terraflow plan</c> on a pull request TerraFlow does not trust authorizes exactly one head commit.
/// </summary>
public interface IPlanAuthorizations
{
    /// <summary>Records who authorized <paramref name="headSha"/> (collected write; a second one changes nothing).</summary>
    void Add(PullRequestAddress pullRequest, string headSha, string by, string deliveryId);

    /// <summary>Who authorized exactly this head commit, or null.</summary>
    Task<string?> FindAsync(PullRequestAddress pullRequest, string headSha, CancellationToken ct);

    /// <summary>The head of the pull request's newest run created before the end of the second <paramref name="at"/> names, or null.</summary>
    Task<string?> HeadAtAsync(PullRequestAddress pullRequest, DateTimeOffset at, CancellationToken ct);
}
