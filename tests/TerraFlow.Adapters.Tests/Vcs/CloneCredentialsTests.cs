using System.Text;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.Projects;

namespace TerraFlow.Adapters.Tests.Vcs;

public class CloneCredentialsTests
{
    private static string Decode(string header)
    {
        Assert.StartsWith("Authorization: Basic ", header);
        return Encoding.UTF8.GetString(Convert.FromBase64String(header["Authorization: Basic ".Length..]));
    }

    [Fact]
    public void GitHub_clones_with_the_token_as_the_password_of_x_access_token()
    {
        var credential = CloneCredentials.For("github", "ghs_installation");
        Assert.Equal("x-access-token:ghs_installation", Decode(credential.Header));
        Assert.Equal("x-access-token:ghs_installation", Decode(CloneCredentials.For(null, "ghs_installation").Header));
    }

    [Fact]
    public void GitLab_clones_with_the_token_as_the_password_of_oauth2()
    {
        var credential = CloneCredentials.For("gitlab", "glpat-secret");
        Assert.Equal("oauth2:glpat-secret", Decode(credential.Header));
    }

    [Fact]
    public void The_token_and_its_base64_form_are_both_secrets_to_mask()
    {
        var credential = CloneCredentials.For("gitlab", "glpat-secret");
        var basic = credential.Header["Authorization: Basic ".Length..];
        Assert.Contains("glpat-secret", credential.Secrets);
        Assert.Contains(basic, credential.Secrets);
    }

    [Fact]
    public void An_unknown_provider_has_no_clone_credentials()
    {
        Assert.Contains("'bitbucket'", Assert.Throws<VcsProviderNotConfiguredException>(() => CloneCredentials.For("bitbucket", "t")).Message);
    }

    [Fact]
    public void Each_host_reads_CODEOWNERS_from_its_own_locations_in_its_own_order()
    {
        var all = new InMemoryRepositorySnapshot(
            (".github/CODEOWNERS", "* @from-github-dir"), ("CODEOWNERS", "* @from-root"),
            ("docs/CODEOWNERS", "* @from-docs"), (".gitlab/CODEOWNERS", "* @from-gitlab-dir"));
        Assert.Equal(["@from-github-dir"], CodeOwnersFile.Load(all, CodeOwnersLocations.For("github"))!.OwnersOf("x.tf"));
        Assert.Equal(["@from-root"], CodeOwnersFile.Load(all, CodeOwnersLocations.For("gitlab"))!.OwnersOf("x.tf"));

        // GitHub never reads .gitlab/, GitLab never reads .github/.
        var hostDirsOnly = new InMemoryRepositorySnapshot((".github/CODEOWNERS", "* @from-github-dir"), (".gitlab/CODEOWNERS", "* @from-gitlab-dir"));
        Assert.Equal(["@from-github-dir"], CodeOwnersFile.Load(hostDirsOnly, CodeOwnersLocations.For("github"))!.OwnersOf("x.tf"));
        Assert.Equal(["@from-gitlab-dir"], CodeOwnersFile.Load(hostDirsOnly, CodeOwnersLocations.For("gitlab"))!.OwnersOf("x.tf"));

        var docsAndGitLabDir = new InMemoryRepositorySnapshot(("docs/CODEOWNERS", "* @from-docs"), (".gitlab/CODEOWNERS", "* @from-gitlab-dir"));
        Assert.Equal(["@from-docs"], CodeOwnersFile.Load(docsAndGitLabDir, CodeOwnersLocations.For("gitlab"))!.OwnersOf("x.tf"));
    }
}
