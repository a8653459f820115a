using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.Projects;

namespace TerraFlow.Adapters.Tests.Vcs;

public class CloneCredentialsTests
{
    /// <summary>The hosts as the host programs register them (one line each).</summary>
    private static readonly VcsHosts Hosts = new ServiceCollection().AddGitHub(new GitHubOptions()).AddGitLab(new GitLabOptions())
        .BuildServiceProvider().GetRequiredService<VcsHosts>();

    private static string Decode(string header)
    {
        Assert.StartsWith("Authorization: Basic ", header);
        return Encoding.UTF8.GetString(Convert.FromBase64String(header["Authorization: Basic ".Length..]));
    }

    [Fact]
    public void GitHub_clones_with_the_token_as_the_password_of_x_access_token()
    {
        var credential = Hosts.CloneCredential("github", "ghs_installation");
        Assert.Equal("x-access-token:ghs_installation", Decode(credential.Header));
        // A job spec from before specs named their provider is GitHub's, by the one explicit rule for old data.
        Assert.Equal("x-access-token:ghs_installation", Decode(Hosts.CloneCredential(StoredProvider.Of(null), "ghs_installation").Header));
    }

    [Fact]
    public void GitLab_clones_with_the_token_as_the_password_of_oauth2()
    {
        var credential = Hosts.CloneCredential("gitlab", "glpat-secret");
        Assert.Equal("oauth2:glpat-secret", Decode(credential.Header));
    }

    [Fact]
    public void The_token_and_its_base64_form_are_both_secrets_to_mask()
    {
        var credential = Hosts.CloneCredential("gitlab", "glpat-secret");
        var basic = credential.Header["Authorization: Basic ".Length..];
        Assert.Contains("glpat-secret", credential.Secrets);
        Assert.Contains(basic, credential.Secrets);
    }

    [Fact]
    public void An_unknown_or_missing_provider_has_no_clone_credentials()
    {
        Assert.Contains("'bitbucket'", Assert.Throws<VcsProviderNotConfiguredException>(() => Hosts.CloneCredential("bitbucket", "t")).Message);
        var missing = Assert.Throws<VcsProviderNotConfiguredException>(() => Hosts.CloneCredential(null, "t")).Message;
        Assert.Contains("No VCS provider was named", missing);
        Assert.Contains("configured: github, gitlab", missing);
    }

    [Fact]
    public void Each_host_reads_CODEOWNERS_from_its_own_locations_in_its_own_order()
    {
        var all = new InMemoryRepositorySnapshot(
            (".github/CODEOWNERS", "* @from-github-dir"), ("CODEOWNERS", "* @from-root"),
            ("docs/CODEOWNERS", "* @from-docs"), (".gitlab/CODEOWNERS", "* @from-gitlab-dir"));
        Assert.Equal(["@from-github-dir"], CodeOwnersFile.Load(all, Hosts.CodeOwnersLocations("github"))!.OwnersOf("x.tf"));
        Assert.Equal(["@from-root"], CodeOwnersFile.Load(all, Hosts.CodeOwnersLocations("gitlab"))!.OwnersOf("x.tf"));

        // GitHub never reads .gitlab/, GitLab never reads .github/.
        var hostDirsOnly = new InMemoryRepositorySnapshot((".github/CODEOWNERS", "* @from-github-dir"), (".gitlab/CODEOWNERS", "* @from-gitlab-dir"));
        Assert.Equal(["@from-github-dir"], CodeOwnersFile.Load(hostDirsOnly, Hosts.CodeOwnersLocations("github"))!.OwnersOf("x.tf"));
        Assert.Equal(["@from-gitlab-dir"], CodeOwnersFile.Load(hostDirsOnly, Hosts.CodeOwnersLocations("gitlab"))!.OwnersOf("x.tf"));

        var docsAndGitLabDir = new InMemoryRepositorySnapshot(("docs/CODEOWNERS", "* @from-docs"), (".gitlab/CODEOWNERS", "* @from-gitlab-dir"));
        Assert.Equal(["@from-docs"], CodeOwnersFile.Load(docsAndGitLabDir, Hosts.CodeOwnersLocations("gitlab"))!.OwnersOf("x.tf"));
    }
}
