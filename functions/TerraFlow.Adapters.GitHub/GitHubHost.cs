using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitHub;

/// <summary>GitHub (github.com and GitHub Enterprise Server) as a <see cref="VcsHostModule"/>.</summary>
public static class GitHubHost
{
    /// <summary>The provider name runs, rows and job specs carry, and the webhook route's segment.</summary>
    public const string Provider = "github";

    public const string DisplayName = "GitHub";

    /// <summary>GitHub takes installation and personal tokens as the password of <c>x-access-token</c>.</summary>
    public const string CloneUser = "x-access-token";

    /// <summary>GitHub documents <c>.github/</c>, the root, <c>docs/</c>, in that order.</summary>
    public static readonly IReadOnlyList<string> CodeOwnersLocations = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

    /// <summary>
    /// The module over the services <see cref="GitHubServiceCollectionExtensions.AddGitHub(IServiceCollection, GitHubOptions)"/>
    /// registers. GitHub always has a client and a clone host (github.com by default): without credentials it still
    /// reads public data, as before hosts were modules.
    /// </summary>
    public static VcsHostModule Module(IServiceProvider services)
    {
        var options = services.GetRequiredService<GitHubOptions>();
        return new VcsHostModule(
            Provider,
            DisplayName,
            services.GetRequiredService<GitHubClient>(),
            new GitHubWebhookSource(options, services.GetRequiredService<GitHubWebhookVerifier>()),
            new VcsCloneRules(CloneUser, options.EffectiveWebUrl, UrlNamesProject: false),
            CodeOwnersLocations,
            services.GetRequiredService<OAuth.GitHubOAuthClient>());
    }
}
