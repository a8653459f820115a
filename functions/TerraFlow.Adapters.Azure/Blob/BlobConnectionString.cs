namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// The parts of a storage connection string the Blob store needs. Understands the standard form
/// (<c>DefaultEndpointsProtocol=https;AccountName=..;AccountKey=..;EndpointSuffix=core.windows.net</c>, optionally with
/// <c>BlobEndpoint=..</c>) and <c>UseDevelopmentStorage=true</c> (Azurite on 127.0.0.1:10000 with its dev account).
/// </summary>
public sealed record BlobConnectionString(Uri BlobEndpoint, string AccountName, string AccountKey)
{
    /// <summary>Azurite's fixed development account, published in the Azurite README; not a secret.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static BlobConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException("Storage connection string has a part without 'name=value'.");
            }

            // Only the first '=' separates: account keys are base64 and end with '='.
            parts[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var proxy = parts.GetValueOrDefault("DevelopmentStorageProxyUri")?.TrimEnd('/') ?? "http://127.0.0.1";
            return new BlobConnectionString(new Uri($"{proxy}:10000/{DevelopmentAccountName}"), DevelopmentAccountName, DevelopmentAccountKey);
        }

        if (!parts.TryGetValue("AccountName", out var account) || !parts.TryGetValue("AccountKey", out var key))
        {
            // The message names what is missing but never echoes the string: it holds the key.
            throw new FormatException("Storage connection string needs AccountName and AccountKey (SAS connection strings are not supported).");
        }

        Uri endpoint;
        if (parts.TryGetValue("BlobEndpoint", out var blobEndpoint))
        {
            endpoint = new Uri(blobEndpoint);
        }
        else
        {
            var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
            var suffix = parts.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";
            endpoint = new Uri($"{protocol}://{account}.blob.{suffix}");
        }

        return new BlobConnectionString(endpoint, account, key);
    }

    /// <summary>Never prints the key (records would by default).</summary>
    public override string ToString() => $"BlobEndpoint={BlobEndpoint};AccountName={AccountName};AccountKey=***";
}
