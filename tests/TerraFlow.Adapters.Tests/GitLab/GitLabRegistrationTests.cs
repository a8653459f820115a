using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddGitLab(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public void Client_is_registered_only_with_a_token_and_never_as_the_default_IVcsClient()
    {
        using var without = Build(new() { ["TerraFlow:GitLab:WebhookSecret"] = "s" });
        Assert.Null(without.GetService<GitLabClient>());
        Assert.True(without.GetRequiredService<GitLabWebhookVerifier>().Configured);

        using var with = Build(new() { ["TerraFlow:GitLab:Token"] = "glpat-x", ["TerraFlow:GitLab:ApiUrl"] = "https://gitlab.example/api/v4" });
        Assert.NotNull(with.GetService<GitLabClient>());
        Assert.Null(with.GetService<IVcsClient>());
        Assert.Equal("https://gitlab.example/api/v4", with.GetRequiredService<GitLabOptions>().ApiUrl);
        Assert.False(with.GetRequiredService<GitLabWebhookVerifier>().Configured);
    }

    [Fact]
    public void Defaults_point_at_gitlab_com_and_project_secrets_bind_from_environment_style_keys()
    {
        using var sp = Build(new()
        {
            ["TerraFlow:GitLab:ProjectSecrets:0:Project"] = "group/sub/infra",
            ["TerraFlow:GitLab:ProjectSecrets:0:Secret"] = "own",
        });
        var options = sp.GetRequiredService<GitLabOptions>();
        Assert.Equal("https://gitlab.com/api/v4", options.ApiUrl);
        Assert.Equal(("group/sub/infra", "own"), (options.ProjectSecrets[0].Project, options.ProjectSecrets[0].Secret));
        Assert.True(sp.GetRequiredService<GitLabWebhookVerifier>().Verify("own", "group/sub/infra"));
    }
}
