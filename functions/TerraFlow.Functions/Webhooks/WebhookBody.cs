using Microsoft.AspNetCore.Http.Features;

namespace TerraFlow.Functions.Webhooks;

/// <summary>Reads a request body into memory up to a cap, without trusting Content-Length alone.</summary>
public static class WebhookBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext http, int maxBytes, CancellationToken ct)
    {
        if (http.Request.ContentLength > maxBytes) return null;
        // Lift Kestrel's own default (30 MB) so that our cap, not a framework exception, decides.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;

        using var buffer = new MemoryStream(http.Request.ContentLength is > 0 and var n ? (int)n : 16 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
