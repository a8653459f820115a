using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// Everything TerraFlow knows about one VCS host, in one registration: the name runs carry, its REST client, its
/// webhook source, how git clones from it, where it reads CODEOWNERS, and approver sign-in. Each host builds its own
/// (<c>services.AddGitHub(config)</c>, <c>services.AddGitLab(config)</c>); nothing outside the host's folder names a
/// host. Found by provider name through <see cref="VcsHosts"/>; an unknown or missing name is an error, never a
/// fallback to another host.
/// </summary>
/// <param name="Provider">The name stored with runs, rows and job specs, and the webhook route's segment
/// (<c>/api/webhooks/{provider}</c>): lower-case, URL-safe.</param>
/// <param name="DisplayName">For people: "GitHub", "GitLab".</param>
/// <param name="Client">The REST client, or null when this host is not configured for API calls (runs of it then fail
/// with <see cref="VcsProviderNotConfiguredException"/>).</param>
/// <param name="Webhooks">Verifies and parses this host's deliveries.</param>
/// <param name="Cloning">How git clones from this host and which clone URLs are its own.</param>
/// <param name="CodeOwnersLocations">Where the host reads CODEOWNERS, in its order; the first file found is used.</param>
/// <param name="SignIn">Approver sign-in with this host (registered whether configured or not, so the approval page can
/// say which setting is missing).</param>
public sealed record VcsHostModule(
    string Provider,
    string DisplayName,
    IVcsClient? Client,
    IWebhookSource Webhooks,
    VcsCloneRules Cloning,
    IReadOnlyList<string> CodeOwnersLocations,
    IOAuthSignIn SignIn);

/// <param name="BasicUser">The user name git sends beside the token (GitHub <c>x-access-token</c>, GitLab <c>oauth2</c>).</param>
/// <param name="WebRoot">The configured host's web root (http(s)), which clone URLs must be below; null when this
/// TerraFlow has no such host configured (every https clone URL of it is then refused).</param>
/// <param name="UrlNamesProject">The clone URL must be the event's own repository (<c>{root}/{owner}/{name}(.git)</c>):
/// needed where one host's webhook secrets are per project, so project A's secret cannot make TerraFlow clone B.</param>
public sealed record VcsCloneRules(string BasicUser, string? WebRoot, bool UrlNamesProject);
