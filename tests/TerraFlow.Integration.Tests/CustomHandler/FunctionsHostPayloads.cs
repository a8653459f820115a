using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TerraFlow.Integration.Tests.CustomHandler;

/// <summary>
/// Invocation requests shaped as the Functions host sends them to a custom handler (platform-notes §1.3, from the
/// host's ScriptInvocationContextExtensions and a captured Service Bus invocation): POST /{FunctionName} with
/// <c>{"Data": {...}, "Metadata": {...}}</c>; Service Bus body and most metadata values as JSON-encoded strings.
/// </summary>
internal static class FunctionsHostPayloads
{
    public static async Task<(int Status, JsonObject? Body)> InvokeAsync(HttpClient http, string baseUrl, string function, JsonObject payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl.TrimEnd('/')}/{function}")
        {
            Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1037.1.1");
        request.Headers.TryAddWithoutValidation("User-Agent", "Azure-Functions-Host/4.1037.1.1");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    /// <summary>A Service Bus trigger invocation: <paramref name="bodyJson"/> JSON-encoded <paramref name="encodings"/> times.</summary>
    public static JsonObject ServiceBusMessage(string bindingName, string functionName, string bodyJson, string messageId, int deliveryCount, int encodings = 1)
    {
        JsonNode body = JsonValue.Create(bodyJson)!;
        for (var i = 1; i < encodings; i++) body = JsonValue.Create(body.ToJsonString())!;
        var now = DateTime.UtcNow;
        return new JsonObject
        {
            ["Data"] = new JsonObject { [bindingName] = body },
            ["Metadata"] = new JsonObject
            {
                ["DeliveryCount"] = deliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["LockToken"] = Quoted(Guid.NewGuid().ToString()),
                ["ExpiresAtUtc"] = Quoted(now.AddDays(14).ToString("O")),
                ["EnqueuedTimeUtc"] = Quoted(now.AddSeconds(-2).ToString("O")),
                ["MessageId"] = Quoted(messageId),
                ["ContentType"] = Quoted("application/json"),
                ["SequenceNumber"] = "17",
                ["UserProperties"] = "{}",
                ["ApplicationProperties"] = "{}",
                ["sys"] = Sys(functionName, now),
            },
        };
    }

    /// <summary>A timer trigger invocation as captured from the host.</summary>
    public static JsonObject Timer(string bindingName, string functionName)
    {
        var now = DateTime.UtcNow;
        return new JsonObject
        {
            ["Data"] = new JsonObject
            {
                [bindingName] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = new JsonObject { ["Last"] = now.AddMinutes(-1).ToString("O"), ["Next"] = now.AddMinutes(1).ToString("O"), ["LastUpdated"] = now.AddMinutes(-1).ToString("O") },
                    ["IsPastDue"] = false,
                },
            },
            ["Metadata"] = new JsonObject { ["sys"] = Sys(functionName, now) },
        };
    }

    private static string Quoted(string value) => JsonSerializer.Serialize(value);

    private static JsonObject Sys(string functionName, DateTime now) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = now.ToString("O"),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}
