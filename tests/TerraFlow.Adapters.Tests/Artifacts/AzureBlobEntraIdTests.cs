using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using TerraFlow.Adapters.Azure.Blob;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>
/// The compliance suite again, authenticated the production way: a ServiceUri (account URL) and an Entra ID
/// TokenCredential, over HTTPS to an Azurite that checks each bearer token's audience, issuer and lifetime.
/// The credential here mints unsigned tokens (Azurite's basic OAuth mode does not check signatures); in Azure it is
/// DefaultAzureCredential or a managed identity, whose tokens the SDK requests the same way.
/// </summary>
public sealed class AzureBlobEntraIdTests(AzuriteOAuthFixture azurite) : ArtifactStoreCompliance, IClassFixture<AzuriteOAuthFixture>
{
    private readonly RecordingCredential _credential = new(audience: "https://storage.azure.com");

    protected override IArtifactStore CreateStore(int listPageSize = 5000) => CreateEntraStore(_credential, listPageSize);

    [Fact]
    public async Task The_SDK_asks_the_credential_for_the_storage_scope()
    {
        var store = CreateEntraStore(_credential);
        await store.PutAsync("entra/a.txt", Text("by token"), Ct);
        Assert.Equal("by token", await ReadTextAsync(store, "entra/a.txt"));
        Assert.Contains("https://storage.azure.com/.default", _credential.RequestedScopes);
    }

    [Fact]
    public async Task Azurite_rejects_a_token_for_another_audience()
    {
        // Proves tokens are really checked, so the passing suite above ran on Entra auth and not anonymously.
        var store = CreateEntraStore(new RecordingCredential(audience: "https://vault.azure.net"));
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => store.PutAsync("entra/denied.txt", Text("x"), Ct));
        Assert.Equal(403, error.Status);
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
    }

    [Fact]
    public void A_bearer_token_is_never_sent_over_plain_http()
    {
        var options = new AzureBlobOptions { ServiceUri = new Uri("http://127.0.0.1:1/devstoreaccount1"), ContainerName = "c" };
        Assert.ThrowsAny<ArgumentException>(() => new AzureBlobArtifactStore(options, _credential));
    }

    private AzureBlobArtifactStore CreateEntraStore(TokenCredential credential, int listPageSize = 5000)
    {
        var options = new AzureBlobOptions
        {
            ServiceUri = azurite.Server.BlobEndpoint,
            ContainerName = "t" + Guid.NewGuid().ToString("N"),
            ListPageSize = listPageSize,
        };

        // Trust exactly the certificate this Azurite was started with, nothing else.
        var expected = azurite.Server.Certificate!;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(expected.RawData);
        var clientOptions = BlobContainerClients.CreateClientOptions(options);
        clientOptions.Transport = new HttpClientTransport(handler);
        return new AzureBlobArtifactStore(options, credential, clientOptions);
    }

    /// <summary>Mints Entra-shaped access tokens (v1 issuer, the given audience, one hour) and records the scopes asked for.</summary>
    private sealed class RecordingCredential(string audience) : TokenCredential
    {
        private readonly List<string> _scopes = [];

        public IReadOnlyList<string> RequestedScopes
        {
            get
            {
                lock (_scopes)
                {
                    return [.. _scopes];
                }
            }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (_scopes)
            {
                _scopes.AddRange(requestContext.Scopes);
            }

            var now = DateTimeOffset.UtcNow;
            var expires = now.AddHours(1);
            var claims = new Dictionary<string, object>
            {
                ["aud"] = audience,
                ["iss"] = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
                ["iat"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
                ["nbf"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["oid"] = "00000000-0000-0000-0000-0000000000f1",
            };
            var token = $"{Base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")}.{Base64Url(JsonSerializer.Serialize(claims))}.{Base64Url("unsigned")}";
            return new AccessToken(token, expires);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));

        private static string Base64Url(string text) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
