using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Application.Access;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.Providers;
using TerraFlow.Testing;
using TerraFlow.Testing.FakeGitLab;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// Console sign-in with GitLab (the GitLab stand-in's OAuth web flow, the same application and callback as approval
/// sign-in), group membership from the Operators list, and repository access from the member's access level.
/// </summary>
public sealed class GitLabConsoleSignInTests
{
    [Fact]
    public async Task A_GitLab_user_signs_in_and_reads_or_operates_by_access_level_and_group()
    {
        var options = new FakeGitLabOptions { OAuthSignedInUser = "alice" };
        await using var gitlab = await FakeGitLabServer.StartAsync(options);
        var baseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        options.OAuthCallbackUrl = baseUrl + "/api/oauth/gitlab/callback";
        gitlab.SetMember("acme/infra", "alice", 30);
        gitlab.SetMember("acme/docs", "alice", 20);
        gitlab.SetMember("acme/infra", "bob", 20);
        gitlab.SetGroupMember("acme/platform", "bob", 30);
        await using var host = await ProvidersTestHost.StartAsync(new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ApiUrl"] = gitlab.ApiUrl,
            ["TerraFlow:GitLab:Token"] = gitlab.Token,
            ["TerraFlow:GitLab:ClientId"] = options.OAuthClientId!,
            ["TerraFlow:GitLab:ClientSecret"] = options.OAuthClientSecret,
            ["TerraFlow:Auth:Operators"] = "gitlab:group:acme/platform",
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
        }, baseUrl: baseUrl);

        using var browser = new ConsoleBrowser();
        var (page, html) = await browser.GetAsync(baseUrl + "/sign-in?return=/api/runs/7");
        Assert.Contains("Sign in with GitLab", html);
        var hops = await browser.FollowAsync(baseUrl + "/sign-in/gitlab?return=%2Fapi%2Fruns%2F7");
        Assert.Equal(gitlab.RootUrl.TrimEnd('/') + "/oauth/authorize", hops[1].Url.GetLeftPart(UriPartial.Path));
        Assert.Equal("/api/oauth/gitlab/callback", hops[2].Url.AbsolutePath);
        Assert.Equal("/api/runs/7", hops[^1].Url.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, hops[^1].Response.StatusCode);

        var user = await PrincipalAsync(host, browser.SessionCookie(baseUrl)!);
        Assert.Equal(("gitlab", "alice", ConsoleRole.Viewer), (user.IdentityProvider, user.Login, user.Role));

        var access = host.Services.GetRequiredService<IRepositoryAccess>();
        Assert.Equal(RepositoryAccessLevel.Operate, await access.AccessAsync(user, new RepositoryKey("gitlab", "acme", "infra"), CancellationToken.None));
        Assert.Equal(RepositoryAccessLevel.Read, await access.AccessAsync(user, new RepositoryKey("gitlab", "acme", "docs"), CancellationToken.None));
        Assert.Equal(RepositoryAccessLevel.None, await access.AccessAsync(user, new RepositoryKey("gitlab", "acme", "secret"), CancellationToken.None));
        // The same login on GitHub is somebody else.
        Assert.Equal(RepositoryAccessLevel.None, await access.AccessAsync(user, new RepositoryKey("github", "acme", "infra"), CancellationToken.None));

        // bob signs in; his group makes him an operator where he can read (Reporter on infra).
        options.OAuthSignedInUser = "bob";
        using var bobBrowser = new ConsoleBrowser();
        await bobBrowser.FollowAsync(baseUrl + "/sign-in/gitlab?return=%2F");
        var bob = await PrincipalAsync(host, bobBrowser.SessionCookie(baseUrl)!);
        Assert.Equal((ConsoleRole.Operator, "acme/platform"), (bob.Role, Assert.Single(bob.Groups)));
        Assert.Equal(RepositoryAccessLevel.Operate, await access.AccessAsync(bob, new RepositoryKey("gitlab", "acme", "infra"), CancellationToken.None));
        Assert.Equal(RepositoryAccessLevel.None, await access.AccessAsync(bob, new RepositoryKey("gitlab", "acme", "docs"), CancellationToken.None));
    }

    private static async Task<ConsoleUser> PrincipalAsync(ProvidersTestHost host, string cookie)
    {
        using var scope = host.Services.CreateScope();
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Path = "/api/runs/1";
        http.Request.Headers.Cookie = $"{ConsoleSessions.CookieName}={cookie}";
        Assert.Null(await ConsoleAuthentication.AuthenticateAsync(http, ConsolePolicies.SignedIn));
        return ConsoleClaims.FromPrincipal(http.User)!;
    }
}
