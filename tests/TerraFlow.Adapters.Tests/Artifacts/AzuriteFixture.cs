using TerraFlow.Testing.Azurite;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>One Azurite per test class that needs it (xunit class fixture); each test then uses its own container.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
