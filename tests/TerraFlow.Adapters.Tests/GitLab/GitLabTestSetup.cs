using TerraFlow.Adapters.GitLab;
using TerraFlow.Testing.FakeGitLab;

namespace TerraFlow.Adapters.Tests.GitLab;

/// <summary>Wires a real <see cref="GitLabClient"/> to a <see cref="FakeGitLabServer"/>.</summary>
internal sealed class GitLabTestSetup : IAsyncDisposable
{
    private GitLabTestSetup(FakeGitLabServer server, GitLabOptions options, HttpClient http)
    {
        Server = server;
        Options = options;
        Http = http;
        Client = new GitLabClient(http, options);
    }

    public FakeGitLabServer Server { get; }
    public GitLabOptions Options { get; }
    public HttpClient Http { get; }
    public GitLabClient Client { get; }

    public static async Task<GitLabTestSetup> StartAsync(Action<GitLabOptions>? configure = null)
    {
        var server = await FakeGitLabServer.StartAsync();
        var options = new GitLabOptions { ApiUrl = server.ApiUrl, Token = server.Token };
        configure?.Invoke(options);
        return new GitLabTestSetup(server, options, new HttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
