using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitLabOAuth;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitLab;

/// <summary>GitLab (GitLab.com and self-managed) as a <see cref="VcsHostModule"/>.</summary>
public static class GitLabHost
{
    /// <summary>The provider name runs, rows and job specs carry, and the webhook route's segment.</summary>
    public const string Provider = "gitlab";

    public const string DisplayName = "GitLab";

    /// <summary>GitLab takes OAuth and access tokens as the password of <c>oauth2</c> (it refuses an OAuth token under any other name).</summary>
    public const string CloneUser = "oauth2";

    /// <summary>GitLab reads the root, <c>docs/</c>, <c>.gitlab/</c>, in that order.</summary>
    public static readonly IReadOnlyList<string> CodeOwnersLocations = ["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

    /// <summary>
    /// The module over the services <see cref="GitLabServiceCollectionExtensions.AddGitLab(IServiceCollection, GitLabOptions, GitLabOAuthOptions?)"/>
    /// registers: a client only when a token is configured; a clone host when a token or a webhook secret is; clone
    /// URLs must name the event's own project, because webhook secrets may be per project.
    /// </summary>
    public static VcsHostModule Module(IServiceProvider services)
    {
        var options = services.GetRequiredService<GitLabOptions>();
        var webRoot = options.ClientConfigured || options.WebhooksConfigured ? GitLabWebUrl.FromApiUrl(options.ApiUrl) : null;
        return new VcsHostModule(
            Provider,
            DisplayName,
            services.GetService<GitLabClient>(),
            new GitLabWebhookSource(services.GetRequiredService<GitLabWebhookVerifier>()),
            new VcsCloneRules(CloneUser, webRoot, UrlNamesProject: true),
            CodeOwnersLocations,
            services.GetRequiredService<GitLabOAuthClient>());
    }
}
