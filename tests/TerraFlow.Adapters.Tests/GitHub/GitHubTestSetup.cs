using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitHub.Api;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Wires a real <see cref="GitHubClient"/> (Octokit underneath) to a <see cref="FakeGitHubServer"/> the way the host will.</summary>
internal sealed class GitHubTestSetup : IAsyncDisposable
{
    private GitHubTestSetup(FakeGitHubServer server, GitHubOptions options, GitHubApi api, GitHubAppTokenProvider tokens)
    {
        Server = server;
        Options = options;
        Api = api;
        Tokens = tokens;
        Client = new GitHubClient(api, tokens);
    }

    public FakeGitHubServer Server { get; }
    public GitHubOptions Options { get; }
    public GitHubApi Api { get; }
    public GitHubAppTokenProvider Tokens { get; }
    public GitHubClient Client { get; }

    /// <summary>Token auth against github.com-style URLs, or a GHES-style "/api/v3" prefix when asked.</summary>
    public static async Task<GitHubTestSetup> StartAsync(
        FakeGitHubOptions? serverOptions = null, Action<GitHubOptions>? configure = null, TimeProvider? time = null)
    {
        var server = await FakeGitHubServer.StartAsync(serverOptions);
        var options = new GitHubOptions { ApiUrl = server.ApiUrl, Token = server.Token };
        configure?.Invoke(options);
        var api = new GitHubApi(options, time);
        return new GitHubTestSetup(server, options, api, new GitHubAppTokenProvider(api, options, time));
    }

    /// <summary>
    /// Authenticates as a GitHub App with <paramref name="key"/> (no static token), the server and the client sharing one
    /// manual clock.
    /// </summary>
    public static Task<GitHubTestSetup> StartAsAppAsync(TestAppKey key, string? appSlug = null)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var server = new FakeGitHubOptions { AppId = TestAppKey.AppId, AppPublicKey = key.PublicKey, Time = time };
        if (appSlug is not null) server.AppSlug = appSlug;
        return StartAsync(server, o => { o.AppId = TestAppKey.AppId; o.PrivateKeyPath = key.PrivateKeyPath; o.Token = null; }, time);
    }

    public async ValueTask DisposeAsync()
    {
        Tokens.Dispose();
        Api.Dispose();
        await Server.DisposeAsync();
    }
}
