using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;

namespace TerraFlow.Adapters.Drift;

/// <summary>
/// POSTs drift events (<see cref="DriftWebhookPayload"/>) to <see cref="DriftWebhookOptions.WebhookUrl"/>, signed
/// with HMAC-SHA256 in <see cref="DriftWebhookSignature.Header"/>, with a delivery id that stays the same on retries.
/// Any answer but 2xx, a timeout or a network failure throws, so the outbox retries with its backoff.
/// </summary>
public sealed class DriftWebhookReporter(HttpClient http, DriftWebhookOptions options, ILogger<DriftWebhookReporter> logger) : IDriftReporter
{
    public async Task ReportAsync(DriftCheckResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!options.Enabled || DriftWebhookPayload.EventOf(result) is not { } eventName) return;
        var deliveryId = DriftWebhookPayload.DeliveryId(result, eventName);
        var body = DriftWebhookPayload.Serialize(result, eventName, deliveryId);

        using var request = new HttpRequestMessage(HttpMethod.Post, options.WebhookUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
        request.Headers.TryAddWithoutValidation(DriftWebhookSignature.EventHeader, eventName);
        request.Headers.TryAddWithoutValidation(DriftWebhookSignature.DeliveryHeader, deliveryId);
        if (!string.IsNullOrEmpty(options.WebhookSecret))
            request.Headers.TryAddWithoutValidation(DriftWebhookSignature.Header, DriftWebhookSignature.Compute(options.WebhookSecret, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.WebhookTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"Drift webhook {eventName} ({deliveryId}) timed out after {options.WebhookTimeout.TotalSeconds:0} s.", ex);
        }
        using (response)
        {
            // The URL may carry a token in its query: only the host goes into messages.
            var host = request.RequestUri?.Host ?? "?";
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Drift webhook {eventName} ({deliveryId}) to {host} answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                    null, response.StatusCode);
            logger.LogInformation("Drift webhook {Event} for project {Project} delivered to {Host} ({Delivery})", eventName, result.Project.Name, host, deliveryId);
        }
    }
}
