using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TerraFlow.Adapters.Azure.ServiceBus;

namespace TerraFlow.Testing.FakeServiceBus;

/// <summary>
/// The REST routes of the Service Bus runtime API:
/// POST /{queue}/messages (send, 201), POST /{queue}/messages/head?timeout= (peek-lock, 201 or 204),
/// DELETE /{queue}/messages/head (receive-and-delete, 200 or 204), and on /{queue}/messages/{id|sequence}/{lockToken}:
/// POST renew, DELETE complete, PUT unlock (200; 404 when no live lock matches; 410 when the queue does not exist).
/// </summary>
internal sealed class FakeServiceBusRouter(FakeServiceBusOptions options, FakeServiceBusAuth auth, Func<string, FakeServiceBusQueue?> findQueue)
{
    private static readonly HashSet<string> StandardHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "BrokerProperties", "Content-Type", "Content-Length", "Host", "Accept", "User-Agent", "Connection",
        "Accept-Encoding", "traceparent", "tracestate", "Request-Id", "Expect",
    };

    private int _unauthorized;

    public int UnauthorizedCount => Volatile.Read(ref _unauthorized);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var url = new Uri($"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}");
        if (!auth.IsAuthorized(request.Headers.Authorization, url))
        {
            Interlocked.Increment(ref _unauthorized);
            await WriteError(context, 401, "InvalidSignature: The token is missing, expired, or its signature is invalid.");
            return;
        }

        var segments = request.Path.Value!.Trim('/').Split('/');
        if (segments.Length < 2 || segments[1] != "messages")
        {
            await WriteError(context, 404, "No such endpoint in the Service Bus runtime API stand-in.");
            return;
        }

        var queue = findQueue(Uri.UnescapeDataString(segments[0]));
        var method = request.Method;
        switch (segments.Length)
        {
            case 2 when method == "POST":
                if (queue is null) { await WriteError(context, 404, "MessagingEntityNotFound"); return; }
                await SendAsync(context, queue);
                return;
            case 3 when segments[2] == "head" && (method == "POST" || method == "DELETE"):
                if (queue is null) { await WriteError(context, 404, "MessagingEntityNotFound"); return; }
                await ReceiveAsync(context, queue, destructive: method == "DELETE", url);
                return;
            case 4:
                if (queue is null) { await WriteError(context, 410, "The queue does not exist."); return; }
                await LockOperationAsync(context, queue, Uri.UnescapeDataString(segments[2]), segments[3], method);
                return;
            default:
                await WriteError(context, 405, "Method not allowed.");
                return;
        }
    }

    private static async Task SendAsync(HttpContext context, FakeServiceBusQueue queue)
    {
        var broker = ParseBroker(context.Request.Headers["BrokerProperties"]);
        if (broker is null) { await WriteError(context, 400, "BrokerProperties is not a JSON object."); return; }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var custom = context.Request.Headers.Where(h => IsCustomProperty(h.Key))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var messageId = broker.TryGetValue("MessageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        queue.Send(messageId, body.ToArray(), context.Request.ContentType ?? "application/octet-stream", broker, custom);
        context.Response.StatusCode = 201;
    }

    private async Task ReceiveAsync(HttpContext context, FakeServiceBusQueue queue, bool destructive, Uri url)
    {
        var asked = int.TryParse(context.Request.Query["timeout"], out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(60);
        var wait = asked < options.MaxReceiveWait ? asked : options.MaxReceiveWait;
        var deadline = DateTimeOffset.UtcNow + wait;
        FakeMessage? message;
        // Lock expiry makes messages available without any event, so the long poll simply looks again shortly.
        while ((message = destructive ? queue.TryTake() : queue.TryLock()) is null && DateTimeOffset.UtcNow < deadline)
            await Task.Delay(25, context.RequestAborted);
        if (message is null)
        {
            context.Response.StatusCode = 204;
            return;
        }

        var response = context.Response;
        response.StatusCode = destructive ? 200 : 201;
        response.Headers["BrokerProperties"] = JsonSerializer.Serialize(BrokerPropertiesOf(message, destructive));
        if (!destructive)
            response.Headers.Location = $"{url.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(queue.Name)}/messages/{Uri.EscapeDataString(message.MessageId)}/{message.LockToken}";
        foreach (var (name, value) in message.CustomProperties) response.Headers[name] = value;
        response.ContentType = message.ContentType;
        await response.Body.WriteAsync(message.Body, context.RequestAborted);
    }

    private static async Task LockOperationAsync(HttpContext context, FakeServiceBusQueue queue, string idOrSequence, string token, string method)
    {
        if (!Guid.TryParse(token, out var lockToken)) { await WriteError(context, 400, "The lock token is not a GUID."); return; }
        bool? done = method switch
        {
            "POST" => queue.Renew(idOrSequence, lockToken),
            "DELETE" => queue.Complete(idOrSequence, lockToken),
            "PUT" => queue.Unlock(idOrSequence, lockToken),
            _ => null,
        };
        if (done is null) await WriteError(context, 405, "Method not allowed.");
        else if (done.Value) context.Response.StatusCode = 200;
        else await WriteError(context, 404, "No message was found with the specified MessageId or LockToken (the lock was lost).");
    }

    private static Dictionary<string, object?> BrokerPropertiesOf(FakeMessage m, bool destructive)
    {
        var p = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in m.BrokerProperties) p[k] = v; // echoed with their JSON types (TimeToLive stays a number)
        p["MessageId"] = m.MessageId;
        p["SequenceNumber"] = m.SequenceNumber;
        p["DeliveryCount"] = m.DeliveryCount;
        p["EnqueuedTimeUtc"] = ReceivedBrokerProperties.FormatHttpDate(m.EnqueuedAt);
        p["State"] = "Active";
        if (!destructive)
        {
            p["LockToken"] = m.LockToken?.ToString();
            p["LockedUntilUtc"] = m.LockedUntil is { } until ? ReceivedBrokerProperties.FormatHttpDate(until) : null;
        }
        return p;
    }

    /// <summary>Every request header that is neither HTTP plumbing nor the client's own x-ms-* bookkeeping.</summary>
    private static bool IsCustomProperty(string header) =>
        !StandardHeaders.Contains(header) && !header.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, JsonElement>? ParseBroker(StringValues header)
    {
        if (StringValues.IsNullOrEmpty(header)) return new Dictionary<string, JsonElement>();
        try
        {
            using var doc = JsonDocument.Parse(header.ToString());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task WriteError(HttpContext context, int status, string detail)
    {
        // The service answers errors with a small XML body: <Error><Code>..</Code><Detail>..</Detail></Error>.
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml; charset=utf-8";
        return context.Response.WriteAsync($"<Error><Code>{status}</Code><Detail>{System.Security.SecurityElement.Escape(detail)}</Detail></Error>");
    }
}
