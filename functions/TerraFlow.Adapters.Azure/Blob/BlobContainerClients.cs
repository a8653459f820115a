using global::Azure.Core;
using global::Azure.Identity;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// Turns <see cref="AzureBlobOptions"/> into an Azure.Storage.Blobs <see cref="BlobContainerClient"/>, choosing the
/// authentication: connection string → whatever it names (Shared Key, SAS, or Azurite for
/// <c>UseDevelopmentStorage=true</c>); <c>ServiceUri</c> + <c>AccountKey</c> → Shared Key; <c>ServiceUri</c> alone →
/// Entra ID with the given credential, else a user-assigned managed identity when <c>ManagedIdentityClientId</c> is
/// set, else DefaultAzureCredential. The SDK signs and authorizes; nothing here touches keys beyond handing them over.
/// </summary>
public static class BlobContainerClients
{
    public static BlobContainerClient Create(AzureBlobOptions options, TokenCredential? credential = null, BlobClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ContainerName);
        clientOptions ??= CreateClientOptions(options);

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            // The string holds the key: our message names the setting, never its value (nor wraps the parser's).
            try
            {
                return new BlobServiceClient(options.ConnectionString, clientOptions).GetBlobContainerClient(options.ContainerName);
            }
            catch (FormatException)
            {
                throw new FormatException($"{AzureBlobOptions.SectionName}:ConnectionString is not a valid storage connection string.");
            }
        }

        var serviceUri = options.ServiceUri ?? throw new InvalidOperationException(
            $"Set {AzureBlobOptions.SectionName}:ServiceUri (the account URL) or :ConnectionString for the Azure Blob artifact store.");
        if (!string.IsNullOrWhiteSpace(options.AccountKey))
        {
            // https://acct.blob.core.windows.net → "acct"; path-style endpoints (Azurite) must name the account.
            var account = options.AccountName ?? serviceUri.Host.Split('.')[0];
            return new BlobServiceClient(serviceUri, new StorageSharedKeyCredential(account, options.AccountKey), clientOptions)
                .GetBlobContainerClient(options.ContainerName);
        }

        // The SDK refuses bearer tokens over plain HTTP (ArgumentException), as it should.
        return new BlobServiceClient(serviceUri, credential ?? DefaultCredential(options), clientOptions)
            .GetBlobContainerClient(options.ContainerName);
    }

    /// <summary>Client options with the pinned service version (<see cref="AzureBlobOptions.ApiVersion"/>).</summary>
    public static BlobClientOptions CreateClientOptions(AzureBlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = string.IsNullOrWhiteSpace(options.ApiVersion)
            ? new BlobClientOptions()
            : new BlobClientOptions(ParseServiceVersion(options.ApiVersion));

        // Safe to log and needed to understand failures; Authorization and the rest stay redacted by default.
        clientOptions.Diagnostics.LoggedHeaderNames.Add("x-ms-error-code");
        return clientOptions;
    }

    /// <summary>"2025-11-05" → <see cref="BlobClientOptions.ServiceVersion.V2025_11_05"/>; unknown versions are a configuration error.</summary>
    public static BlobClientOptions.ServiceVersion ParseServiceVersion(string apiVersion)
    {
        var name = "V" + apiVersion.Trim().Replace('-', '_');
        if (Enum.TryParse<BlobClientOptions.ServiceVersion>(name, ignoreCase: false, out var version) && Enum.IsDefined(version))
        {
            return version;
        }

        throw new InvalidOperationException(
            $"{AzureBlobOptions.SectionName}:ApiVersion '{apiVersion}' is not a Blob service version this SDK knows " +
            $"(e.g. {string.Join(", ", Enum.GetNames<BlobClientOptions.ServiceVersion>().TakeLast(3).Select(n => n[1..].Replace('_', '-')))}).");
    }

    private static TokenCredential DefaultCredential(AzureBlobOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
