namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// Settings of <see cref="AzureBlobArtifactStore"/>, bound from configuration section
/// <c>TerraFlow:Artifacts:Blob</c> (<see cref="SectionName"/>). Give either <see cref="ConnectionString"/>, or
/// <see cref="ServiceUri"/> plus (<see cref="AccountName"/> and <see cref="AccountKey"/>) for Shared Key, or
/// <see cref="ServiceUri"/> alone with a TokenCredential passed to the factory (Entra ID, the production choice).
/// </summary>
public sealed class AzureBlobOptions
{
    public const string SectionName = "TerraFlow:Artifacts:Blob";

    /// <summary>Blob endpoint, e.g. https://acct.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Container holding the artifacts; created on first write if missing.</summary>
    public string ContainerName { get; set; } = "terraflow-artifacts";

    public string? AccountName { get; set; }

    /// <summary>Base64 account key for Shared Key auth. Never logged.</summary>
    public string? AccountKey { get; set; }

    /// <summary>Standard storage connection string, or "UseDevelopmentStorage=true" for Azurite's defaults.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob service REST version sent as x-ms-version (2024-11-04 is accepted by Azure and by Azurite ≥ 3.33).</summary>
    public string ApiVersion { get; set; } = "2024-11-04";

    /// <summary>
    /// Uploads up to this size go in one Put Blob; larger ones are streamed as Put Block calls of this size and
    /// committed with Put Block List, so one upload holds at most two blocks in memory whatever the artifact's size.
    /// </summary>
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>maxresults of each List Blobs page (the service caps it at 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>Create the container on first write when it does not exist (needs rights to create containers).</summary>
    public bool CreateContainerIfMissing { get; set; } = true;
}
