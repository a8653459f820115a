using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>The VCS host modules as the host programs register them (AddGitHub, AddGitLab), for hand-built runner registries.</summary>
public static class RegisteredHosts
{
    /// <summary>Both hosts' rules (clone user, CODEOWNERS locations, …) without their clients, so tests can put stand-ins under their names.</summary>
    public static VcsHosts WithoutClients()
    {
        var registered = new ServiceCollection().AddGitHub(new GitHubOptions()).AddGitLab(new GitLabOptions())
            .BuildServiceProvider().GetRequiredService<VcsHosts>();
        return new VcsHosts(registered.All.Select(h => h with { Client = null }));
    }
}
