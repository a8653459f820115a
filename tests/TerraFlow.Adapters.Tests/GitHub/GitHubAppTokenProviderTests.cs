using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

public class GitHubAppTokenProviderTests
{
    private const long Installation = 77;

    private static Task<GitHubTestSetup> StartAppAsync(TestAppKey key, ManualTimeProvider time, string? staticToken = null) =>
        GitHubTestSetup.StartAsync(
            new FakeGitHubOptions { AppId = TestAppKey.AppId, AppPublicKey = key.PublicKey, Time = time },
            o =>
            {
                o.AppId = TestAppKey.AppId;
                o.PrivateKeyPath = key.PrivateKeyPath;
                o.Token = staticToken;
            },
            time);

    [Fact]
    public async Task Many_concurrent_calls_mint_one_installation_token()
    {
        using var key = new TestAppKey();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var setup = await StartAppAsync(key, time);
        var repo = new RepoRef("acme", "infra", Installation);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => setup.Tokens.GetTokenAsync(repo, CancellationToken.None).AsTask()));

        Assert.Equal(1, setup.Server.InstallationTokenRequests(Installation));
        Assert.All(tokens, t => Assert.Equal(tokens[0], t));
        Assert.StartsWith("ghs_", tokens[0]);
    }

    [Fact]
    public async Task Token_is_reused_until_five_minutes_before_expiry_then_refreshed()
    {
        using var key = new TestAppKey();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var setup = await StartAppAsync(key, time);
        var repo = new RepoRef("acme", "infra", Installation);

        var first = await setup.Tokens.GetTokenAsync(repo, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(54)); // 6 minutes left: still fresh
        Assert.Equal(first, await setup.Tokens.GetTokenAsync(repo, CancellationToken.None));
        Assert.Equal(1, setup.Server.InstallationTokenRequests(Installation));

        time.Advance(TimeSpan.FromMinutes(2)); // 4 minutes left: inside the refresh margin
        var second = await setup.Tokens.GetTokenAsync(repo, CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.Equal(2, setup.Server.InstallationTokenRequests(Installation));
    }

    [Fact]
    public async Task Installations_are_cached_separately()
    {
        using var key = new TestAppKey();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var setup = await StartAppAsync(key, time);

        var a = await setup.Tokens.GetInstallationTokenAsync(1, CancellationToken.None);
        var b = await setup.Tokens.GetInstallationTokenAsync(2, CancellationToken.None);
        await setup.Tokens.GetInstallationTokenAsync(1, CancellationToken.None);

        Assert.NotEqual(a, b);
        Assert.Equal(1, setup.Server.InstallationTokenRequests(1));
        Assert.Equal(1, setup.Server.InstallationTokenRequests(2));
    }

    [Fact]
    public async Task Token_request_is_authenticated_with_a_signed_app_jwt()
    {
        using var key = new TestAppKey();
        using var wrongKey = new TestAppKey();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        // The server trusts a different public key: the JWT must be rejected, as GitHub would.
        await using var setup = await GitHubTestSetup.StartAsync(
            new FakeGitHubOptions { AppId = TestAppKey.AppId, AppPublicKey = wrongKey.PublicKey, Time = time },
            o => { o.AppId = TestAppKey.AppId; o.PrivateKeyPath = key.PrivateKeyPath; },
            time);

        var ex = await Assert.ThrowsAsync<VcsPermanentException>(
            () => setup.Tokens.GetInstallationTokenAsync(Installation, CancellationToken.None).AsTask());
        Assert.Equal(401, ex.StatusCode);
        var request = Assert.Single(setup.Server.Requests);
        Assert.Equal($"/app/installations/{Installation}/access_tokens", request.Path);
        Assert.StartsWith("Bearer ey", request.Authorization);
    }

    [Fact]
    public async Task Static_token_is_used_for_repos_without_installation()
    {
        using var key = new TestAppKey();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var setup = await StartAppAsync(key, time, staticToken: "ghp_static");

        Assert.Equal("ghp_static", await setup.Tokens.GetTokenAsync(new RepoRef("acme", "infra"), CancellationToken.None));
        Assert.Equal(0, setup.Server.InstallationTokenRequests());
    }

    [Fact]
    public async Task Without_app_auth_the_installation_id_is_ignored_and_token_used()
    {
        await using var setup = await GitHubTestSetup.StartAsync();
        var token = await setup.Tokens.GetTokenAsync(new RepoRef("acme", "infra", Installation), CancellationToken.None);
        Assert.Equal(setup.Server.Token, token);
        Assert.Equal(0, setup.Server.InstallationTokenRequests());
    }

    [Fact]
    public async Task Nothing_configured_means_anonymous()
    {
        var options = new GitHubOptions();
        using var api = new TerraFlow.Adapters.GitHub.Api.GitHubApi(options);
        using var tokens = new GitHubAppTokenProvider(api, options);
        Assert.Null(await tokens.GetTokenAsync(new RepoRef("acme", "infra", Installation), CancellationToken.None));
    }
}
