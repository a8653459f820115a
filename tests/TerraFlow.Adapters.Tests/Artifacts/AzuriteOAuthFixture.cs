using TerraFlow.Testing.Azurite;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>One Azurite over HTTPS with OAuth checks on (see <see cref="AzuriteServer.StartWithOAuthAsync"/>) per test class.</summary>
public sealed class AzuriteOAuthFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync() => _server = await AzuriteServer.StartWithOAuthAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
