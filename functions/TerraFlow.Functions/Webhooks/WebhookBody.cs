using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace TerraFlow.Functions.Webhooks;

/// <summary>
/// Reads a webhook body into memory, up to a cap, only once the caller has done every check that needs no body.
/// The buffer grows with the bytes that actually arrive: a declared <c>Content-Length</c> is used only to refuse
/// (413) a body that would be too large, never to size a buffer, so a sender that declares 25 MB and sends 10 bytes
/// costs 10 bytes plus one small read buffer.
/// </summary>
internal static class WebhookBody
{
    /// <summary>GitHub and GitLab both cap webhook payloads at 25 MB; anything larger is not from them.</summary>
    public const int MaxBytes = 25 * 1024 * 1024;

    private const int ReadChunkBytes = 16 * 1024;

    public enum Outcome { Read, TooLarge, Incomplete }

    /// <summary>The body (valid only with <see cref="Outcome.Read"/>) and how reading ended.</summary>
    public readonly record struct Result(Outcome Outcome, ReadOnlyMemory<byte> Body);

    /// <summary>True when the declared length alone already exceeds the cap: refuse before reading anything.</summary>
    public static bool DeclaredTooLarge(HttpContext http, int maxBytes = MaxBytes) => http.Request.ContentLength > maxBytes;

    public static async Task<Result> ReadAsync(HttpContext http, CancellationToken ct, int maxBytes = MaxBytes)
    {
        if (DeclaredTooLarge(http, maxBytes)) return new(Outcome.TooLarge, default);
        // Lift Kestrel's own default (30 MB) so that our cap, not a framework exception, decides.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;

        // Starts empty and doubles as data arrives (MemoryStream's growth), independent of any declared length.
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk.AsMemory(0, ReadChunkBytes), ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) return new(Outcome.TooLarge, default);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException)
        {
            // The sender stopped before its declared length (or sent a malformed chunk): there is no body to judge.
            return new(Outcome.Incomplete, default);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        // GetBuffer, not ToArray: no second copy of up to 25 MB.
        return new(Outcome.Read, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
