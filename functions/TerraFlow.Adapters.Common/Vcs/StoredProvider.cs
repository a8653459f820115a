namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// The one place that reads a provider name from data written before TerraFlow stored one: commit-status outbox rows
/// and job specs of that time carry none, and they all came from GitHub, the only host then. New rows, job specs and
/// webhooks always name their provider; everywhere else a missing name is an error (see <see cref="VcsHosts"/>).
/// </summary>
public static class StoredProvider
{
    /// <summary>The provider every row written before providers were stored belongs to.</summary>
    public const string BeforeProvidersWereStored = "github";

    /// <summary><paramref name="stored"/>, or <see cref="BeforeProvidersWereStored"/> for a row or job spec without one.</summary>
    public static string Of(string? stored) => string.IsNullOrWhiteSpace(stored) ? BeforeProvidersWereStored : stored;
}
