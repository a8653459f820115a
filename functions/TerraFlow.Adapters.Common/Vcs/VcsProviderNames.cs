namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// The provider names stored with runs, inbox and outbox rows and job specs. Core only ever passes these along as
/// opaque strings; the adapters are where a name means a particular host.
/// </summary>
public static class VcsProviderNames
{
    public const string GitHub = "github";
    public const string GitLab = "gitlab";

    /// <summary>
    /// Rows and job specs written before TerraFlow stored a provider carry none; they all came from GitHub, the only
    /// provider then.
    /// </summary>
    public static string OrDefault(string? provider) => string.IsNullOrWhiteSpace(provider) ? GitHub : provider;
}
