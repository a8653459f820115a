using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using global::Azure;
using global::Azure.Core;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// <see cref="IArtifactStore"/> on Azure Blob Storage through Azure.Storage.Blobs: one block blob per key in one
/// container. Construct it from <see cref="AzureBlobOptions"/> (auth chosen by <see cref="BlobContainerClients"/>) or
/// from a ready <see cref="BlobContainerClient"/>. Thread-safe; register it as a singleton.
/// </summary>
public sealed class AzureBlobArtifactStore : IArtifactStore
{
    private static readonly BlobHttpHeaders OctetStream = new() { ContentType = "application/octet-stream" };

    private readonly BlobContainerClient _container;
    private readonly int _blockSize;
    private readonly int _listPageSize;
    private readonly bool _createContainer;

    /// <param name="options">Where and how to connect; see <see cref="AzureBlobOptions"/> for the choices.</param>
    /// <param name="credential">Entra ID credential for a ServiceUri without key; null picks the default (see README.md).</param>
    /// <param name="clientOptions">SDK options (retries, transport, diagnostics); null pins <see cref="AzureBlobOptions.ApiVersion"/>.</param>
    public AzureBlobArtifactStore(AzureBlobOptions options, TokenCredential? credential = null, BlobClientOptions? clientOptions = null)
        : this(BlobContainerClients.Create(options, credential, clientOptions), options)
    {
    }

    /// <param name="container">Any authenticated container client.</param>
    /// <param name="options">Block size, list page size and container creation; ignores the connection settings.</param>
    public AzureBlobArtifactStore(BlobContainerClient container, AzureBlobOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        options ??= new AzureBlobOptions();
        if (options.BlockSize is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BlockSize must be between 64 KiB and 100 MiB.");
        }

        if (options.ListPageSize is < 1 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ListPageSize must be between 1 and 5000.");
        }

        _container = container;
        _blockSize = options.BlockSize;
        _listPageSize = options.ListPageSize;
        _createContainer = options.CreateContainerIfMissing;
    }

    public async Task PutAsync(string key, Stream content, CancellationToken ct) =>
        await UploadAsync(key, content, conditions: null, ct);

    public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken ct) =>
        UploadAsync(key, content, new BlobRequestConditions { IfNoneMatch = ETag.All }, ct);

    public Task<bool> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return UploadAsync(key, content, new BlobRequestConditions { IfMatch = new ETag(etag) }, ct);
    }

    /// <summary>
    /// The download's network stream, unbuffered (a 1 GiB plan costs no memory); the SDK resumes it from the last byte
    /// read if the connection drops, conditioned on the blob's ETag so a reader never sees two versions mixed.
    /// </summary>
    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        try
        {
            var download = await _container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: ct);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (BlobErrors.IsNotFound(e))
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        try
        {
            await _container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        }
        catch (RequestFailedException e) when (BlobErrors.IsNotFound(e))
        {
            // No container: nothing to delete either.
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        try
        {
            BlobProperties properties = await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: ct);

            // "H" keeps the quotes the service sends, so the value can go back as If-Match unchanged.
            return new ArtifactInfo(properties.ContentLength, properties.ETag.ToString("H"), properties.LastModified);
        }
        catch (RequestFailedException e) when (BlobErrors.IsNotFound(e))
        {
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        ArtifactKeys.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length > 0 ? prefix : null }, ct)
            .AsPages(pageSizeHint: _listPageSize);

        // Pages come lazily, one List Blobs call per page as the caller enumerates.
        await using var enumerator = pages.GetAsyncEnumerator(ct);
        while (true)
        {
            Page<BlobItem> page;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }

                page = enumerator.Current;
            }
            catch (RequestFailedException e) when (BlobErrors.IsContainerNotFound(e))
            {
                yield break; // nothing was ever written
            }

            foreach (var item in page.Values)
            {
                yield return item.Name;
            }
        }
    }

    /// <summary>
    /// Content up to one block goes in a single Put Blob. Larger content is streamed: each block is staged as soon as
    /// it is read (at most two blocks in memory), and Put Block List commits them all at once with the write
    /// condition, so the blob changes atomically and a failed condition leaves it untouched. Staged blocks that are
    /// never committed are discarded by the service after a week. Blocks are buffered here (not handed to the SDK's
    /// own partitioned upload) so a write that finds no container can create it and resend the same bytes, even from a
    /// non-seekable stream.
    /// </summary>
    private async Task<bool> UploadAsync(string key, Stream content, BlobRequestConditions? conditions, CancellationToken ct)
    {
        ArtifactKeys.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var blob = _container.GetBlockBlobClient(key);
        var size = _blockSize;
        var current = ArrayPool<byte>.Shared.Rent(size);
        var next = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var currentLength = await FillAsync(content, current.AsMemory(0, size), ct);
            var nextLength = currentLength < size ? 0 : await FillAsync(content, next.AsMemory(0, size), ct);
            if (nextLength == 0)
            {
                var whole = current;
                var length = currentLength;
                return await ConditionalAsync(
                    () => WithContainerAsync(() => blob.UploadAsync(
                        new MemoryStream(whole, 0, length, writable: false),
                        new BlobUploadOptions { HttpHeaders = OctetStream, Conditions = conditions },
                        ct), ct),
                    conditions);
            }

            // Block ids must have the same length within a blob; a fresh upload id keeps concurrent uploads apart.
            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            while (currentLength > 0)
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{blockIds.Count:D6}"));
                var block = current;
                var length = currentLength;
                await WithContainerAsync(() => blob.StageBlockAsync(blockId, new MemoryStream(block, 0, length, writable: false), cancellationToken: ct), ct);
                blockIds.Add(blockId);

                (current, next) = (next, current);
                currentLength = nextLength;
                nextLength = currentLength < size ? 0 : await FillAsync(content, next.AsMemory(0, size), ct);
            }

            try
            {
                return await ConditionalAsync(
                    () => blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions { HttpHeaders = OctetStream, Conditions = conditions }, ct),
                    conditions);
            }
            catch (RequestFailedException e) when (conditions is not null && BlobErrors.IsInvalidBlockList(e))
            {
                // Another writer committed while we staged, which discards our blocks. Azurite checks the condition
                // before the block list (so the loser sees 409/412); Azure does not document its order, so if the blocks
                // are reported first and the other commit is why our condition fails, we lost like any conditional writer.
                if (await ConditionHoldsAsync(blob, conditions, ct))
                {
                    throw;
                }

                return false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>Runs a write; true on success, false when its condition failed (only for conditional writes).</summary>
    private static async Task<bool> ConditionalAsync<T>(Func<Task<T>> write, BlobRequestConditions? conditions)
    {
        try
        {
            await write();
            return true;
        }
        catch (RequestFailedException e) when (conditions is not null && BlobErrors.IsFailedCondition(e))
        {
            return false;
        }
    }

    /// <summary>Runs a write; if the container does not exist yet (and we may create it), creates it and runs it again.</summary>
    private async Task<T> WithContainerAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        try
        {
            return await write();
        }
        catch (RequestFailedException e) when (_createContainer && BlobErrors.IsContainerNotFound(e))
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: ct);
            return await write();
        }
    }

    /// <summary>Would a write with <paramref name="conditions"/> succeed against the blob as it is now?</summary>
    private static async Task<bool> ConditionHoldsAsync(BlockBlobClient blob, BlobRequestConditions conditions, CancellationToken ct)
    {
        ETag? current;
        try
        {
            current = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.ETag;
        }
        catch (RequestFailedException e) when (BlobErrors.IsNotFound(e))
        {
            current = null;
        }

        if (conditions.IfNoneMatch == ETag.All)
        {
            return current is null;
        }

        return conditions.IfMatch is not { } expected || (current is { } etag && etag == expected);
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
}
