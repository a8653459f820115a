using System.Net;
using System.Security.Cryptography;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>Without a GitHub client id, links still show what they are for, but say how else to approve.</summary>
public sealed class ApprovalSignInNotConfiguredTests
{
    [Fact]
    public async Task The_page_says_sign_in_is_not_configured_and_offers_no_form()
    {
        var fake = new FakeGitHubOptions();
        await using var github = await FakeGitHubServer.StartAsync(fake);
        await using var host = await ApprovalTestHost.StartAsync(github, fake, signInConfigured: false,
            settings: new Dictionary<string, string> { ["TerraFlow:Approvals:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        var link = host.Links.Issue(1, "network", new string('c', 64), DateTimeOffset.UtcNow);
        using var browser = new ApprovalBrowser();

        var (response, body) = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("not configured", body);
        Assert.Contains("terraflow approve", body);
        Assert.DoesNotContain("<form", body);
        Assert.DoesNotContain("/sign-in", body);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link + "/sign-in")).Response.StatusCode);
        Assert.DoesNotContain(github.Requests, r => r.Path.StartsWith("/login/oauth", StringComparison.Ordinal));
        Assert.Empty(host.Recorder.RecordCalls);
    }
}
