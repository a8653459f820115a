using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// <see cref="IArtifactStore"/> on Azure Blob Storage (one block blob per key in one container), spoken over the
/// Blob REST API through an Azure.Core pipeline because Azure.Storage.Blobs cannot be restored on the build machines.
/// Construct it with <see cref="AzureBlobOptions"/> and, for Entra ID auth, a TokenCredential (see README.md).
/// </summary>
public sealed class AzureBlobArtifactStore : IArtifactStore
{
    /// <summary>OAuth scope of Azure Storage data-plane tokens.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    private readonly BlobRestClient _client;
    private readonly AzureBlobOptions _options;

    /// <param name="options">Where and how to connect; see <see cref="AzureBlobOptions"/> for the choices.</param>
    /// <param name="credential">Entra ID credential, used when the options hold no account key or connection string.</param>
    /// <param name="pipelineOptions">Retries, transport and diagnostics of the HTTP pipeline; defaults are fine.</param>
    public AzureBlobArtifactStore(AzureBlobOptions options, TokenCredential? credential = null, BlobPipelineOptions? pipelineOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BlockSize is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BlockSize must be between 64 KiB and 100 MiB.");
        }

        if (options.ListPageSize is < 1 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ListPageSize must be between 1 and 5000.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(options.ContainerName);
        _options = options;

        var (serviceUri, auth) = ChooseAuth(options, credential);
        var pipeline = HttpPipelineBuilder.Build(pipelineOptions ?? new BlobPipelineOptions(), [new BlobVersionPolicy(options.ApiVersion, TimeProvider.System), auth]);
        _client = new BlobRestClient(pipeline, serviceUri, options.ContainerName);
    }

    public async Task PutAsync(string key, Stream content, CancellationToken ct) =>
        await UploadAsync(key, content, BlobWriteCondition.None, ct);

    public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken ct) =>
        UploadAsync(key, content, new BlobWriteCondition(OnlyIfAbsent: true, IfMatch: null), ct);

    public Task<bool> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return UploadAsync(key, content, new BlobWriteCondition(OnlyIfAbsent: false, IfMatch: etag), ct);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        return _client.GetBlobAsync(key, ct);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        return _client.DeleteBlobAsync(key, ct);
    }

    public Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        return _client.GetPropertiesAsync(key, ct);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        ArtifactKeys.ValidatePrefix(prefix);
        string? marker = null;
        do
        {
            var page = await _client.ListBlobsAsync(prefix, marker, _options.ListPageSize, ct);
            foreach (var name in page.Names)
            {
                yield return name;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    /// <summary>
    /// Small content (up to one block) goes in a single Put Blob. Larger content is streamed: each block is staged
    /// with Put Block as soon as it is read, and Put Block List commits them all at once, carrying the write
    /// condition, so the blob changes atomically and a failed condition leaves it untouched. Staged blocks that are
    /// never committed are discarded by the service after a week.
    /// </summary>
    private async Task<bool> UploadAsync(string key, Stream content, BlobWriteCondition condition, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var size = _options.BlockSize;
        var current = ArrayPool<byte>.Shared.Rent(size);
        var next = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var currentLength = await FillAsync(content, current.AsMemory(0, size), ct);
            var nextLength = currentLength < size ? 0 : await FillAsync(content, next.AsMemory(0, size), ct);
            if (nextLength == 0)
            {
                var data = current.AsMemory(0, currentLength);
                return await WithContainerAsync(() => _client.PutBlobAsync(key, data, condition, ct), ct);
            }

            // Block ids must have the same length within a blob; a fresh upload id keeps concurrent uploads apart.
            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            while (currentLength > 0)
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{blockIds.Count:D6}"));
                var block = current.AsMemory(0, currentLength);
                await WithContainerAsync(async () => { await _client.PutBlockAsync(key, blockId, block, ct); return true; }, ct);
                blockIds.Add(blockId);

                (current, next) = (next, current);
                currentLength = nextLength;
                nextLength = currentLength < size ? 0 : await FillAsync(content, next.AsMemory(0, size), ct);
            }

            return await _client.PutBlockListAsync(key, blockIds, condition, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>Runs a write; if the container does not exist yet (and we may create it), creates it and runs it again.</summary>
    private async Task<T> WithContainerAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        try
        {
            return await write();
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound" && _options.CreateContainerIfMissing)
        {
            await _client.CreateContainerAsync(ct);
            return await write();
        }
    }

    /// <summary>Reads until the buffer is full or the stream ends; returns the number of bytes read.</summary>
    private static async Task<int> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], ct);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static (Uri ServiceUri, HttpPipelinePolicy Auth) ChooseAuth(AzureBlobOptions options, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var parsed = BlobConnectionString.Parse(options.ConnectionString);
            return (parsed.BlobEndpoint, new BlobSharedKeyPolicy(parsed.AccountName, parsed.AccountKey));
        }

        var serviceUri = options.ServiceUri ?? throw new InvalidOperationException(
            $"Set {AzureBlobOptions.SectionName}:ServiceUri (or :ConnectionString) for the Azure Blob artifact store.");
        if (!string.IsNullOrWhiteSpace(options.AccountKey))
        {
            // https://acct.blob.core.windows.net → "acct"; path-style endpoints (Azurite) must name the account.
            var account = options.AccountName ?? serviceUri.Host.Split('.')[0];
            return (serviceUri, new BlobSharedKeyPolicy(account, options.AccountKey));
        }

        if (credential is null)
        {
            throw new InvalidOperationException(
                $"The Azure Blob artifact store needs {AzureBlobOptions.SectionName}:AccountKey, a connection string, or a TokenCredential (Entra ID).");
        }

        return (serviceUri, new BearerTokenAuthenticationPolicy(credential, StorageScope));
    }
}
