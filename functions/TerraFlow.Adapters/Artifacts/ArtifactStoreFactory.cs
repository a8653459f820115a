using Microsoft.Extensions.Configuration;
using TerraFlow.Adapters.Azure.Blob;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Artifacts;

/// <summary>
/// Picks the artifact store from configuration, the same way in the host and in runners: Azure Blob when
/// <c>TerraFlow:Artifacts:Blob</c> names an endpoint or connection string, otherwise the local folder.
/// </summary>
public static class ArtifactStoreFactory
{
    public static IArtifactStore Create(IConfiguration config, string localRoot)
    {
        var blob = config.GetSection(AzureBlobOptions.SectionName).Get<AzureBlobOptions>();
        if (blob is null || (blob.ServiceUri is null && string.IsNullOrWhiteSpace(blob.ConnectionString)))
            return new LocalFolderArtifactStore(localRoot);

        // A connection string or account key means Shared Key; otherwise Entra ID (BlobContainerClients picks the credential).
        return new AzureBlobArtifactStore(blob);
    }
}
