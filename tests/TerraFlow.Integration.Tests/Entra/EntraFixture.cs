using TerraFlow.Testing.FakeEntra;

namespace TerraFlow.Integration.Tests.Entra;

/// <summary>
/// One fake Entra tenant and one TerraFlow host for a test class. The app's admins are the members of the fake
/// user's group (<c>entra:group:&lt;id&gt;</c>), so a signed-in group member can manage API tokens; key refetches
/// are not rate-limited, so key rotation shows at once.
/// </summary>
public sealed class EntraFixture : IAsyncLifetime
{
    public const string AdminGroup = "3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4";

    public static readonly FakeEntraUser Alice = new("0b7e5c3a-1f2d-4c6b-9a8e-7d6c5b4a3f2e", "Alice Entra", "alice@contoso.example", [AdminGroup, "11111111-2222-4333-8444-555555555555"]);

    public static readonly FakeEntraUser Bob = new("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "Bob Outsider", "bob@contoso.example", []);

    public FakeEntraServer Entra { get; private set; } = null!;

    internal EntraTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Entra = await FakeEntraServer.StartAsync(new FakeEntraOptions());
        Host = await EntraTestHost.StartAsync(Entra, new Dictionary<string, string>
        {
            ["TerraFlow:Auth:Admins"] = "entra:group:" + AdminGroup,
            ["TerraFlow:Auth:Entra:KeyRefreshInterval"] = "00:00:00",
        });
    }

    /// <summary>Back to a well-behaved Entra with Alice signed in.</summary>
    public void Reset()
    {
        var o = Entra.Options;
        o.SignedInUser = Alice;
        o.IdTokenLifetime = TimeSpan.FromHours(1);
        o.SignWithForeignKey = false;
        o.AudienceOverride = null;
        o.NonceOverride = null;
        o.GroupsOverage = false;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Entra.DisposeAsync();
    }
}
