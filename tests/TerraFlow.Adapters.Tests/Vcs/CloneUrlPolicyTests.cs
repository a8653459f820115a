using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs;

public sealed class CloneUrlPolicyTests
{
    /// <summary>The policy as the host programs build it: both hosts registered from the settings, one line each.</summary>
    private static CloneUrlPolicy FromSettings(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddGitHub(config).AddGitLab(config).AddCloneUrlPolicy(config)
            .BuildServiceProvider().GetRequiredService<CloneUrlPolicy>();
    }

    private static readonly CloneUrlPolicy GitHubCom = FromSettings();

    [Theory]
    [InlineData("https://github.com/acme/infra.git")]
    [InlineData("https://GitHub.com/mallory/fork.git")] // a fork on the same host: cloned with the installation's token
    [InlineData("https://github.com:443/acme/infra.git")]
    public void GitHub_com_urls_are_allowed(string url) => Assert.Null(GitHubCom.Refusal("github", url, "acme", "infra"));

    [Theory]
    [InlineData("https://evil.example/acme/infra.git", "not on the configured github host https://github.com")]
    [InlineData("https://github.com.evil.example/acme/infra.git", "not on the configured github host")]
    [InlineData("http://github.com/acme/infra.git", "not on the configured github host")]
    [InlineData("https://github.com:8443/acme/infra.git", "not on the configured github host")]
    [InlineData("https://api.github.com/acme/infra.git", "not on the configured github host")]
    [InlineData("https://x-access-token:abc@github.com/acme/infra.git", "user name")]
    [InlineData("https://github.com/acme/infra.git?x=1", "query")]
    [InlineData("ssh://git@github.com/acme/infra.git", "only http(s)")]
    [InlineData("git@github.com:acme/infra.git", "only http(s)")]
    [InlineData("/srv/git/secret.git", "local path")]
    [InlineData("file:///srv/git/secret.git", "local path")]
    [InlineData("", "no clone URL")]
    public void Everything_else_is_refused_with_a_reason(string url, string reason)
    {
        var refusal = GitHubCom.Refusal("github", url, "acme", "infra");
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal);
        Assert.DoesNotContain("abc@", refusal); // never repeats credentials found in the URL
    }

    [Fact]
    public void GHES_allows_its_own_host_and_path_only()
    {
        var ghes = FromSettings(("TerraFlow:GitHub:ApiUrl", "https://ghes.example.com/api/v3"));

        Assert.Null(ghes.Refusal("github", "https://ghes.example.com/acme/infra.git", "acme", "infra"));
        Assert.NotNull(ghes.Refusal("github", "https://github.com/acme/infra.git", "acme", "infra"));
        var underPath = FromSettings(("TerraFlow:GitHub:ApiUrl", "https://host.example/github/api/v3"));
        Assert.Null(underPath.Refusal("github", "https://host.example/github/acme/infra.git", "acme", "infra"));
        Assert.NotNull(underPath.Refusal("github", "https://host.example/other/acme/infra.git", "acme", "infra"));
    }

    [Fact]
    public void GitLab_urls_must_name_the_events_own_project()
    {
        var gitlab = FromSettings(("TerraFlow:GitLab:ApiUrl", "https://gitlab.example.com/api/v4"), ("TerraFlow:GitLab:Token", "t"));

        Assert.Null(gitlab.Refusal("gitlab", "https://gitlab.example.com/group/sub/infra.git", "group/sub", "infra"));
        Assert.Null(gitlab.Refusal("gitlab", "https://gitlab.example.com/Group/Sub/infra", "group/sub", "infra"));
        // Signed for project A (group/sub/infra), naming project B: the per-project secret must not reach B.
        Assert.Contains("not the URL of project group/sub/infra", gitlab.Refusal("gitlab", "https://gitlab.example.com/other/secret-infra.git", "group/sub", "infra"));
        Assert.Contains("not the URL of project", gitlab.Refusal("gitlab", "https://gitlab.example.com/group/sub/infra/../../../other/x.git", "group/sub", "infra"));
        Assert.Contains("not on the configured gitlab host https://gitlab.example.com", gitlab.Refusal("gitlab", "https://gitlab.com/group/sub/infra.git", "group/sub", "infra"));
        // GitLab's host is not GitHub's: a github run may not name the GitLab host either.
        Assert.NotNull(gitlab.Refusal("github", "https://gitlab.example.com/group/sub/infra.git", "group/sub", "infra"));
    }

    [Fact]
    public void Without_GitLab_settings_gitlab_runs_are_refused()
    {
        Assert.Contains("no gitlab host is configured", GitHubCom.Refusal("gitlab", "https://gitlab.com/a/b.git", "a", "b"));
    }

    [Fact]
    public void Local_paths_only_when_allowed()
    {
        var dev = FromSettings(("TerraFlow:CloneUrls:AllowLocalPaths", "true"));

        Assert.Null(dev.Refusal("github", "/tmp/repo", "acme", "infra"));
        Assert.Null(dev.Refusal("gitlab", "file:///tmp/repo", "acme", "infra"));
        Assert.NotNull(dev.Refusal("github", "https://evil.example/acme/infra.git", "acme", "infra"));
    }
}
