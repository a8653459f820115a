using TerraFlow.Adapters.GitHub;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Wires a real <see cref="GitHubClient"/> to a <see cref="FakeGitHubServer"/> the way the host will.</summary>
internal sealed class GitHubTestSetup : IAsyncDisposable
{
    private GitHubTestSetup(FakeGitHubServer server, GitHubOptions options, HttpClient http, GitHubAppTokenProvider tokens)
    {
        Server = server;
        Options = options;
        Http = http;
        Tokens = tokens;
        Client = new GitHubClient(http, options, tokens);
    }

    public FakeGitHubServer Server { get; }
    public GitHubOptions Options { get; }
    public HttpClient Http { get; }
    public GitHubAppTokenProvider Tokens { get; }
    public GitHubClient Client { get; }

    /// <summary>Token auth against github.com-style URLs, or a GHES-style "/api/v3" prefix when asked.</summary>
    public static async Task<GitHubTestSetup> StartAsync(
        FakeGitHubOptions? serverOptions = null, Action<GitHubOptions>? configure = null, TimeProvider? time = null)
    {
        var server = await FakeGitHubServer.StartAsync(serverOptions);
        var options = new GitHubOptions { ApiUrl = server.ApiUrl, Token = server.Token };
        configure?.Invoke(options);
        var http = new HttpClient();
        return new GitHubTestSetup(server, options, http, new GitHubAppTokenProvider(http, options, time));
    }

    public async ValueTask DisposeAsync()
    {
        Tokens.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
