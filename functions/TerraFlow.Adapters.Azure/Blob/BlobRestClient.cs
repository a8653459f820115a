using System.Globalization;
using System.Net;
using System.Text;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>How a write is conditioned: unconditional, create-only (If-None-Match: *) or If-Match: etag.</summary>
internal readonly record struct BlobWriteCondition(bool OnlyIfAbsent, string? IfMatch)
{
    public static BlobWriteCondition None => default;

    public void ApplyTo(Request request)
    {
        if (OnlyIfAbsent)
        {
            request.Headers.SetValue("If-None-Match", "*");
        }

        if (IfMatch is not null)
        {
            request.Headers.SetValue("If-Match", IfMatch);
        }
    }
}

/// <summary>
/// The handful of Blob service REST operations the artifact store uses, one method each, over an Azure.Core
/// pipeline (which adds retries, auth and logging with the Authorization header redacted). Unexpected statuses
/// become <see cref="RequestFailedException"/> carrying the service's error code.
/// </summary>
internal sealed class BlobRestClient(HttpPipeline pipeline, Uri serviceUri, string container)
{
    private readonly string _serviceRoot = serviceUri.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>Create Container; "already exists" (409) counts as success.</summary>
    public async Task CreateContainerAsync(CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Put, blobName: null);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        await SendAsync(message, ct, HttpStatusCode.Created, HttpStatusCode.Conflict);
    }

    /// <summary>Put Blob (BlockBlob). False when the condition failed: 412, or 409 BlobAlreadyExists for If-None-Match: *.</summary>
    public async Task<bool> PutBlobAsync(string name, ReadOnlyMemory<byte> data, BlobWriteCondition condition, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Put, name);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Headers.SetValue("Content-Type", "application/octet-stream");
        condition.ApplyTo(message.Request);
        message.Request.Content = RequestContent.Create(data);
        return await SendConditionalWriteAsync(message, ct);
    }

    /// <summary>Put Block: stages one uncommitted block; nothing is visible until <see cref="PutBlockListAsync"/>.</summary>
    public async Task PutBlockAsync(string name, string blockId, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Put, name);
        message.Request.Uri.AppendQuery("comp", "block");
        message.Request.Uri.AppendQuery("blockid", blockId);
        message.Request.Content = RequestContent.Create(data);
        await SendAsync(message, ct, HttpStatusCode.Created);
    }

    /// <summary>Put Block List: commits the staged blocks, in order, as the blob's content; conditions apply here.</summary>
    public async Task<bool> PutBlockListAsync(string name, IReadOnlyList<string> blockIds, BlobWriteCondition condition, CancellationToken ct)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        xml.Append("</BlockList>");
        using var message = NewMessage(RequestMethod.Put, name);
        message.Request.Uri.AppendQuery("comp", "blocklist");
        message.Request.Headers.SetValue("x-ms-blob-content-type", "application/octet-stream");
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        condition.ApplyTo(message.Request);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        return await SendConditionalWriteAsync(message, ct);
    }

    /// <summary>Get Blob, streamed: the caller owns (and must dispose) the returned stream. Null on 404.</summary>
    public async Task<Stream?> GetBlobAsync(string name, CancellationToken ct)
    {
        var message = NewMessage(RequestMethod.Get, name);
        message.BufferResponse = false;
        try
        {
            await pipeline.SendAsync(message, ct);
            var response = message.Response;
            if (response.Status == (int)HttpStatusCode.NotFound)
            {
                message.Dispose();
                return null;
            }

            if (response.Status != (int)HttpStatusCode.OK || response.ContentStream is null)
            {
                throw BlobErrorParser.Fail(response);
            }

            return new BlobResponseStream(response.ContentStream, message);
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>Get Blob Properties (HEAD). Null on 404.</summary>
    public async Task<ArtifactInfo?> GetPropertiesAsync(string name, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Head, name);
        var response = await SendAsync(message, ct, HttpStatusCode.OK, HttpStatusCode.NotFound);
        if (response.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }

        response.Headers.TryGetValue("ETag", out var etag);
        response.Headers.TryGetValue("Last-Modified", out var modified);
        return new ArtifactInfo(
            response.Headers.ContentLength ?? 0,
            etag ?? throw new RequestFailedException(response.Status, "Get Blob Properties answered without an ETag."),
            modified is null ? DateTimeOffset.MinValue : DateTimeOffset.ParseExact(modified, "r", CultureInfo.InvariantCulture));
    }

    /// <summary>Delete Blob; a blob (or container) that does not exist counts as deleted.</summary>
    public async Task DeleteBlobAsync(string name, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Delete, name);
        await SendAsync(message, ct, HttpStatusCode.Accepted, HttpStatusCode.NotFound);
    }

    /// <summary>One page of List Blobs (flat). A missing container lists as empty.</summary>
    public async Task<BlobListPage> ListBlobsAsync(string prefix, string? marker, int pageSize, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Get, blobName: null);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Uri.AppendQuery("comp", "list");
        if (prefix.Length > 0)
        {
            message.Request.Uri.AppendQuery("prefix", prefix);
        }

        if (!string.IsNullOrEmpty(marker))
        {
            message.Request.Uri.AppendQuery("marker", marker);
        }

        message.Request.Uri.AppendQuery("maxresults", pageSize.ToString(CultureInfo.InvariantCulture));
        var response = await SendAsync(message, ct, HttpStatusCode.OK, HttpStatusCode.NotFound);
        if (response.Status == (int)HttpStatusCode.NotFound)
        {
            return new BlobListPage([], null);
        }

        return await BlobListXml.ParseAsync(response.ContentStream!, ct);
    }

    private HttpMessage NewMessage(RequestMethod method, string? blobName)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        var path = _serviceRoot + "/" + Uri.EscapeDataString(container);
        if (blobName is not null)
        {
            // Escape each segment but keep the '/' separators, so "runs/1/plan" stays a virtual directory path.
            path += "/" + string.Join("/", blobName.Split('/').Select(Uri.EscapeDataString));
        }

        message.Request.Uri.Reset(new Uri(path));
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken ct, params HttpStatusCode[] expected)
    {
        await pipeline.SendAsync(message, ct);
        var response = message.Response;
        if (!expected.Contains((HttpStatusCode)response.Status))
        {
            throw BlobErrorParser.Fail(response);
        }

        return response;
    }

    private async Task<bool> SendConditionalWriteAsync(HttpMessage message, CancellationToken ct)
    {
        var response = await SendAsync(message, ct, HttpStatusCode.Created, HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict);
        if (response.Status == (int)HttpStatusCode.Conflict)
        {
            // 409 is only a failed condition when it says so; anything else (e.g. a lease) is a real error.
            response.Headers.TryGetValue("x-ms-error-code", out var code);
            if (code != "BlobAlreadyExists")
            {
                throw BlobErrorParser.Fail(response);
            }
        }

        return response.Status == (int)HttpStatusCode.Created;
    }
}
