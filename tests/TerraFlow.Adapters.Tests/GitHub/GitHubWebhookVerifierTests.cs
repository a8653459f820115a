using System.Text;
using TerraFlow.Adapters.GitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

public class GitHubWebhookVerifierTests
{
    // The example from GitHub's "Validating webhook deliveries" documentation.
    private const string DocsSecret = "It's a Secret to Everybody";
    private const string DocsSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    private static readonly byte[] DocsPayload = Encoding.UTF8.GetBytes("Hello, World!");

    private static GitHubWebhookVerifier Verifier(string? secret = DocsSecret) => new(new GitHubOptions { WebhookSecret = secret });

    [Fact]
    public void Accepts_the_GitHub_documentation_test_vector()
    {
        Assert.True(Verifier().Verify(DocsSignature, DocsPayload));
    }

    [Fact]
    public void ComputeSignature_reproduces_the_documentation_test_vector()
    {
        Assert.Equal(DocsSignature, GitHubWebhookVerifier.ComputeSignature(DocsSecret, DocsPayload));
    }

    [Fact]
    public void Accepts_uppercase_hex_digest()
    {
        Assert.True(Verifier().Verify("sha256=" + DocsSignature["sha256=".Length..].ToUpperInvariant(), DocsPayload));
    }

    [Fact]
    public void Rejects_signature_made_with_another_secret()
    {
        Assert.False(Verifier("not the secret").Verify(DocsSignature, DocsPayload));
    }

    [Fact]
    public void Rejects_tampered_body()
    {
        Assert.False(Verifier().Verify(DocsSignature, Encoding.UTF8.GetBytes("Hello, World?")));
        Assert.False(Verifier().Verify(DocsSignature, Encoding.UTF8.GetBytes("Hello, World! ")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17aa")]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    public void Rejects_missing_or_malformed_header(string? header)
    {
        Assert.False(Verifier().Verify(header, DocsPayload));
    }

    [Fact]
    public void Rejects_everything_when_no_secret_is_configured()
    {
        var unsigned = GitHubWebhookVerifier.ComputeSignature("", DocsPayload);
        Assert.False(Verifier(null).Verify(unsigned, DocsPayload));
        Assert.False(Verifier("").Verify(unsigned, DocsPayload));
    }
}
