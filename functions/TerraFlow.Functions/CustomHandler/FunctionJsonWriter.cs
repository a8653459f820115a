using System.Text.Json;
using System.Text.Json.Nodes;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// Writes the Functions app layout from <see cref="FunctionRegistry"/>: one folder per function holding its
/// <c>function.json</c>. Publishing runs it against the publish folder (see the csproj).
/// </summary>
internal static class FunctionJsonWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Render(FunctionDefinition function) => new()
    {
        ["bindings"] = function.Trigger switch
        {
            // Exactly one httpTrigger in and one http out: the only shape the host forwards as the original request
            // (enableForwardingHttpRequest), so the app sees real paths, headers and body bytes (HMAC needs them).
            HttpTrigger http => new JsonArray(
                new JsonObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = http.BindingName,
                    ["methods"] = new JsonArray(http.Methods.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()),
                    ["route"] = http.Route,
                    ["authLevel"] = http.AuthLevel,
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
            ServiceBusQueueTrigger sb => new JsonArray(new JsonObject
            {
                ["type"] = "serviceBusTrigger",
                ["direction"] = "in",
                ["name"] = sb.BindingName,
                ["queueName"] = sb.QueueName,
                ["connection"] = sb.Connection,
                // The body as text (not base64 bytes); the handler still accepts either.
                ["dataType"] = "string",
            }),
            TimerTrigger timer => new JsonArray(new JsonObject
            {
                ["type"] = "timerTrigger",
                ["direction"] = "in",
                ["name"] = timer.BindingName,
                ["schedule"] = timer.Schedule,
                // Docs advise against runOnStartup in production: every scale-out would run it.
                ["runOnStartup"] = false,
                ["useMonitor"] = true,
            }),
            var other => throw new NotSupportedException($"no function.json shape for {other.GetType().Name}"),
        },
    };

    /// <summary>Writes every function's folder under <paramref name="appRoot"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string appRoot)
    {
        Directory.CreateDirectory(appRoot);
        RemoveStaleFunctions(appRoot);
        var written = new List<string>();
        foreach (var function in FunctionRegistry.All)
        {
            var folder = Path.Combine(appRoot, function.Name);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "function.json");
            File.WriteAllText(path, Render(function).ToJsonString(Indented) + "\n");
            written.Add(path);
        }
        return written;
    }

    // A function removed from the registry must not linger in a reused publish folder: the host would still load it.
    private static void RemoveStaleFunctions(string appRoot)
    {
        var current = FunctionRegistry.All.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in Directory.EnumerateDirectories(appRoot))
            if (!current.Contains(Path.GetFileName(folder)) && File.Exists(Path.Combine(folder, "function.json")))
                Directory.Delete(folder, recursive: true);
    }
}
