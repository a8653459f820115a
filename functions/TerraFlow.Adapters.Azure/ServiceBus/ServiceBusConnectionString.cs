namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The parts of a Service Bus connection string that the REST client needs:
/// <c>Endpoint=sb://{ns}.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c>.
/// <c>UseDevelopmentEmulator=true</c> (the key the Azure SDKs use for local stand-ins) switches the REST calls to
/// plain http, which is how the tests reach the local stand-in.
/// </summary>
public sealed record ServiceBusConnectionString(Uri Endpoint, string KeyName, string Key)
{
    public static ServiceBusConnectionString Parse(string connectionString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Keys are base64 and may end in '=': split on the first '=' only.
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException("A Service Bus connection string segment is not key=value."); // never echo it: it may be the key
            parts[segment[..eq]] = segment[(eq + 1)..];
        }

        var endpoint = Required(parts, "Endpoint");
        var keyName = Required(parts, "SharedAccessKeyName");
        var key = Required(parts, "SharedAccessKey");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            throw new FormatException($"Service Bus connection string Endpoint '{endpoint}' is not an absolute URI.");

        var emulator = parts.TryGetValue("UseDevelopmentEmulator", out var flag) && bool.TryParse(flag, out var on) && on;
        var rest = new UriBuilder(emulator ? "http" : "https", uri.Host, uri.IsDefaultPort ? -1 : uri.Port, "/").Uri;
        return new ServiceBusConnectionString(rest, keyName, key);
    }

    private static string Required(Dictionary<string, string> parts, string name) =>
        parts.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"Service Bus connection string has no {name}.");
}
