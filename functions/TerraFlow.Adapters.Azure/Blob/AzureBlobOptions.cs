namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// Settings of <see cref="AzureBlobArtifactStore"/>, bound from configuration section
/// <c>TerraFlow:Artifacts:Blob</c> (<see cref="SectionName"/>). Give either <see cref="ConnectionString"/>, or
/// <see cref="ServiceUri"/> plus <see cref="AccountKey"/> (Shared Key), or <see cref="ServiceUri"/> alone for Entra ID
/// (managed identity or the developer's login; the production choice). See README.md for the order of choice.
/// </summary>
public sealed class AzureBlobOptions
{
    public const string SectionName = "TerraFlow:Artifacts:Blob";

    /// <summary>The account URL, e.g. https://acct.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Container holding the artifacts; created on first write if missing.</summary>
    public string ContainerName { get; set; } = "terraflow-artifacts";

    /// <summary>Account of <see cref="AccountKey"/>; defaults to the first label of the host, so path-style endpoints (Azurite) must name it.</summary>
    public string? AccountName { get; set; }

    /// <summary>Base64 account key for Shared Key auth. Never logged.</summary>
    public string? AccountKey { get; set; }

    /// <summary>Standard storage connection string, or "UseDevelopmentStorage=true" for Azurite's defaults.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Client id of a user-assigned managed identity to authenticate with (Entra ID). Empty means
    /// DefaultAzureCredential, which also honours AZURE_CLIENT_ID (how the runner job names its identity).
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Blob service version (x-ms-version) the SDK speaks, pinned rather than the SDK's newest so that Azurite
    /// (3.35 knows up to 2025-11-05) accepts it as well as Azure. Empty means the SDK's own default.
    /// </summary>
    public string? ApiVersion { get; set; } = "2025-11-05";

    /// <summary>
    /// Uploads up to this size go in one Put Blob; larger ones are streamed as staged blocks of this size and
    /// committed with Put Block List, so one upload holds at most two blocks in memory whatever the artifact's size.
    /// </summary>
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>maxresults of each List Blobs page (the service caps it at 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>Create the container on first write when it does not exist (needs rights to create containers).</summary>
    public bool CreateContainerIfMissing { get; set; } = true;
}
