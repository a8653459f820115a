using System.Globalization;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// Stamps x-ms-version and x-ms-date on every attempt. It runs per retry, so a retried request carries a fresh
/// date (the service refuses signatures more than 15 minutes old) before <see cref="BlobSharedKeyPolicy"/> signs it.
/// </summary>
internal sealed class BlobVersionPolicy(string apiVersion, TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        message.Request.Headers.SetValue("x-ms-version", apiVersion);
        message.Request.Headers.SetValue("x-ms-date", clock.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Authorization: SharedKey account:signature (see <see cref="BlobSharedKeySigner"/>). Must be the last policy that
/// touches headers before the transport, because any header added after signing would invalidate the signature.
/// The key stays in this object only; it is never logged or put in an exception message.
/// </summary>
internal sealed class BlobSharedKeyPolicy(string accountName, string accountKey) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        long? length = request.Content is not null && request.Content.TryComputeLength(out var computed) ? computed : null;
        var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value));
        var stringToSign = BlobSharedKeySigner.StringToSign(request.Method.Method, request.Uri.ToUri(), accountName, headers, length);
        var signature = BlobSharedKeySigner.Sign(stringToSign, accountKey);
        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{signature}");
    }
}

/// <summary>Pipeline options (retries, transport, diagnostics) for the Blob REST client.</summary>
public sealed class BlobPipelineOptions : ClientOptions
{
    public BlobPipelineOptions()
    {
        // Safe to log and needed to understand failures; Authorization and the rest stay redacted by default.
        Diagnostics.LoggedHeaderNames.Add("x-ms-error-code");
        Diagnostics.LoggedHeaderNames.Add("x-ms-version");
    }
}
