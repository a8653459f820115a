using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Azure.Entra;
using TerraFlow.Testing.FakeEntra;

namespace TerraFlow.Integration.Tests.Entra;

/// <summary>
/// Without a client secret, TerraFlow authenticates to Entra's token endpoint with a federated credential: a
/// managed identity token for <c>api://AzureADTokenExchange</c> as <c>client_assertion</c>. The managed identity is
/// replaced through Azure.Core's own seam (a <see cref="TokenCredential"/>) by one the fake tenant trusts.
/// </summary>
public sealed class EntraFederatedCredentialTests
{
    private const string ManagedIdentityObjectId = "5d4c3b2a-1908-4f7e-8d6c-5b4a39281706";

    [Fact]
    public async Task Sign_in_works_with_a_managed_identity_client_assertion_and_no_secret()
    {
        await using var entra = await FakeEntraServer.StartAsync(new FakeEntraOptions { ClientSecret = null, FederatedSubject = ManagedIdentityObjectId });
        var credential = new FakeManagedIdentity(entra, ManagedIdentityObjectId);
        await using var host = await EntraTestHost.StartAsync(entra, secret: false,
            services: s => s.AddSingleton(new EntraAssertionSource(credential)));
        using var browser = new EntraBrowser();

        await browser.SignInAsync(host.BaseUrl);

        Assert.True(browser.HasSession(host.BaseUrl));
        var token = Assert.Single(entra.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", token.Form["client_assertion_type"]);
        Assert.False(token.Form.ContainsKey("client_secret"));
        Assert.Equal(["api://AzureADTokenExchange/.default"], credential.Scopes);
    }

    [Fact]
    public async Task An_assertion_of_an_identity_the_app_does_not_trust_is_refused()
    {
        await using var entra = await FakeEntraServer.StartAsync(new FakeEntraOptions { ClientSecret = null, FederatedSubject = ManagedIdentityObjectId });
        await using var host = await EntraTestHost.StartAsync(entra, secret: false,
            services: s => s.AddSingleton(new EntraAssertionSource(new FakeManagedIdentity(entra, "another-identity"))));
        using var browser = new EntraBrowser();

        var (response, body, _) = await browser.SignInAsync(host.BaseUrl);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_client", body);
        Assert.False(browser.HasSession(host.BaseUrl));
    }

    [Fact]
    public async Task Without_Entra_settings_the_sign_in_page_does_not_offer_it_and_its_routes_answer_404()
    {
        await using var entra = await FakeEntraServer.StartAsync();
        await using var host = await EntraTestHost.StartAsync(entra, new Dictionary<string, string> { ["TerraFlow:Auth:Entra:ClientId"] = "" });
        using var browser = new EntraBrowser();

        var (_, page) = await browser.GetAsync(host.BaseUrl + TerraFlow.Functions.Console.ConsoleResponses.SignInPath);
        var (start, _) = await browser.GetAsync(host.BaseUrl + "/api/auth/entra/sign-in");

        Assert.DoesNotContain("Sign in with Microsoft Entra ID", page);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Empty(entra.Requests);
    }

    /// <summary>What ManagedIdentityCredential returns on Azure: a token of the identity, for the asked scope.</summary>
    private sealed class FakeManagedIdentity(FakeEntraServer entra, string subject) : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken(entra.IssueManagedIdentityToken(subject), DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
