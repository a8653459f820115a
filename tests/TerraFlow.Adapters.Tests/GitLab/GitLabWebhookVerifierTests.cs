using TerraFlow.Adapters.GitLab;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabWebhookVerifierTests
{
    [Fact]
    public void Only_the_exact_secret_passes()
    {
        var verifier = new GitLabWebhookVerifier(new GitLabOptions { WebhookSecret = "s3cret-token" });
        Assert.True(verifier.Verify("s3cret-token", "any/project"));
        Assert.False(verifier.Verify("s3cret-tokeN", "any/project"));
        Assert.False(verifier.Verify("s3cret-token ", "any/project"));
        Assert.False(verifier.Verify("s3cret", "any/project"));
        Assert.False(verifier.Verify("", "any/project"));
        Assert.False(verifier.Verify(null, null));
    }

    [Fact]
    public void Without_a_secret_nothing_passes()
    {
        var verifier = new GitLabWebhookVerifier(new GitLabOptions());
        Assert.False(verifier.Configured);
        Assert.False(verifier.Verify("", null));
        Assert.False(verifier.Verify("anything", null));
    }

    [Fact]
    public void A_project_with_its_own_secret_accepts_only_that_one()
    {
        var options = new GitLabOptions
        {
            WebhookSecret = "global",
            ProjectSecrets = [new GitLabProjectSecret { Project = "acme/platform/infra", Secret = "infra-only" }],
        };
        var verifier = new GitLabWebhookVerifier(options);
        Assert.True(verifier.HasProjectSecrets);
        Assert.True(verifier.Verify("infra-only", "Acme/Platform/Infra"));
        Assert.False(verifier.Verify("global", "acme/platform/infra"));
        Assert.True(verifier.Verify("global", "acme/other"));
        Assert.False(verifier.Verify("infra-only", "acme/other"));
        // Unknown project (unreadable body): the global secret applies.
        Assert.True(verifier.Verify("global", null));
    }

    [Fact]
    public void Project_secrets_alone_configure_webhooks()
    {
        var options = new GitLabOptions { ProjectSecrets = [new GitLabProjectSecret { Project = "a/b", Secret = "x" }] };
        var verifier = new GitLabWebhookVerifier(options);
        Assert.True(verifier.Configured);
        Assert.True(options.WebhooksConfigured);
        Assert.False(verifier.Verify("x", null));
        Assert.True(verifier.Verify("x", "a/b"));
    }
}
