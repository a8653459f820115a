using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// Console logs are JSON (one object per line, with scopes such as OperationId) where a machine reads them: under
/// the Azure Functions host, which forwards stdout, or when Logging:Console:FormatterName is "json" (containers).
/// <c>dotnet run</c> keeps the readable default.
/// </summary>
public static class ConsoleLogFormat
{
    public static bool UseJson(IConfiguration config, bool underFunctionsHost) =>
        underFunctionsHost || string.Equals(config["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Switches a host's console logger (already added by the default builder) to JSON when wanted.</summary>
    public static void Apply(ILoggingBuilder logging, IConfiguration config, bool underFunctionsHost)
    {
        if (UseJson(config, underFunctionsHost)) AddJson(logging);
    }

    /// <summary>Adds a console logger in the right format, for loggers made before the host (start-up logs).</summary>
    public static void AddConsole(ILoggingBuilder logging, IConfiguration config, bool underFunctionsHost)
    {
        if (UseJson(config, underFunctionsHost)) AddJson(logging);
        else logging.AddSimpleConsole();
    }

    private static void AddJson(ILoggingBuilder logging) =>
        logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
}
