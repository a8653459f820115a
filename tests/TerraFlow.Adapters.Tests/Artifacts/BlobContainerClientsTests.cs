using Azure.Storage.Blobs;
using TerraFlow.Adapters.Azure.Blob;
using TerraFlow.Testing.Azurite;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>How settings become an SDK client, offline: endpoint, account and auth choice, service version, errors.</summary>
public sealed class BlobContainerClientsTests
{
    [Fact]
    public void UseDevelopmentStorage_means_Azurite_on_its_default_port_with_the_dev_account()
    {
        var container = BlobContainerClients.Create(new AzureBlobOptions { ConnectionString = "UseDevelopmentStorage=true", ContainerName = "arts" });
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/arts"), container.Uri);
        Assert.Equal(AzuriteServer.AccountName, container.AccountName);
        Assert.True(container.CanGenerateSasUri); // i.e. it holds a Shared Key credential
    }

    [Fact]
    public void A_standard_connection_string_names_the_account_endpoint()
    {
        var container = BlobContainerClients.Create(new AzureBlobOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=https;AccountName=tfstate;AccountKey=a2V5PT0=;EndpointSuffix=core.windows.net",
            ContainerName = "artifacts",
        });
        Assert.Equal(new Uri("https://tfstate.blob.core.windows.net/artifacts"), container.Uri);
    }

    [Fact]
    public void An_account_key_with_an_account_url_takes_the_account_from_the_host()
    {
        var container = BlobContainerClients.Create(new AzureBlobOptions
        {
            ServiceUri = new Uri("https://tfstate.blob.core.windows.net/"),
            AccountKey = AzuriteServer.AccountKey,
            ContainerName = "artifacts",
        });
        Assert.Equal("tfstate", container.AccountName);
        Assert.True(container.CanGenerateSasUri);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("5e0e4f3c-1a32-4a57-9b0c-4ad8d8f7d6b1")]
    public void An_account_url_alone_means_Entra_ID(string? managedIdentityClientId)
    {
        // DefaultAzureCredential or ManagedIdentityCredential: neither fetches a token before the first request.
        var container = BlobContainerClients.Create(new AzureBlobOptions
        {
            ServiceUri = new Uri("https://tfstate.blob.core.windows.net"),
            ManagedIdentityClientId = managedIdentityClientId,
            ContainerName = "artifacts",
        });
        Assert.Equal(new Uri("https://tfstate.blob.core.windows.net/artifacts"), container.Uri);
        Assert.False(container.CanGenerateSasUri); // no key anywhere
    }

    [Fact]
    public void Neither_url_nor_connection_string_is_a_configuration_error_naming_the_settings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BlobContainerClients.Create(new AzureBlobOptions()));
        Assert.Contains("TerraFlow:Artifacts:Blob:ServiceUri", error.Message);
    }

    [Fact]
    public void A_malformed_connection_string_is_reported_without_its_content()
    {
        const string secret = "c2VjcmV0LWtleQ==";
        var error = Assert.ThrowsAny<Exception>(() => BlobContainerClients.Create(new AzureBlobOptions { ConnectionString = $"AccountKey={secret};garbage" }));
        Assert.DoesNotContain(secret, error.ToString());
    }

    [Fact]
    public void The_service_version_is_pinned_from_ApiVersion()
    {
        Assert.Equal(BlobClientOptions.ServiceVersion.V2025_11_05, BlobContainerClients.CreateClientOptions(new AzureBlobOptions()).Version);
        Assert.Equal(BlobClientOptions.ServiceVersion.V2024_11_04, BlobContainerClients.CreateClientOptions(new AzureBlobOptions { ApiVersion = "2024-11-04" }).Version);
        Assert.Equal(new BlobClientOptions().Version, BlobContainerClients.CreateClientOptions(new AzureBlobOptions { ApiVersion = "" }).Version);
        var error = Assert.Throws<InvalidOperationException>(() => BlobContainerClients.CreateClientOptions(new AzureBlobOptions { ApiVersion = "2031-01-01" }));
        Assert.Contains("ApiVersion", error.Message);
    }
}
