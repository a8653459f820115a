using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using TerraFlow.Adapters.Postgres.Hosting;
using TerraFlow.Adapters.Telemetry;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The Azure Functions .NET isolated worker: the Functions host starts this executable (worker.config.json), the
/// worker connects back over gRPC and serves the [Function] methods in this folder; with the ASP.NET Core integration
/// the host forwards HTTP requests to the worker's own Kestrel, so the functions get the real <c>HttpRequest</c>.
/// Services are exactly the standalone host's (<see cref="TerraFlowApp.AddTerraFlowAsync"/>).
/// </summary>
internal static class FunctionsWorkerApp
{
    /// <summary>The worker's command-line option for the host's gRPC endpoint (Microsoft.Azure.Functions.Worker maps it
    /// to <see cref="HostEndpointKey"/>).</summary>
    public const string HostEndpointOption = "--functions-uri";

    public const string HostEndpointKey = "Functions:Worker:HostEndpoint";

    /// <summary>
    /// True when the Functions host started this process: it passes the gRPC endpoint to call back as
    /// <c>--functions-uri</c> (or, in some launchers, as configuration). Without that endpoint the worker could not
    /// run at all, so its absence means <c>dotnet run</c> and the standalone host.
    /// </summary>
    public static bool IsStartedByFunctionsHost(IReadOnlyList<string> args, Func<string, string?> environment) =>
        args.Any(a => a == HostEndpointOption || a.StartsWith(HostEndpointOption + "=", StringComparison.Ordinal))
        || !string.IsNullOrEmpty(environment(HostEndpointKey.Replace(":", "__", StringComparison.Ordinal)));

    public static async Task<IHost> BuildAsync(string[] args, CancellationToken ct = default)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        ConsoleLogFormat.Apply(builder.Logging, builder.Configuration, underFunctionsHost: true);
        await TerraFlowApp.AddTerraFlowAsync(builder.Services, builder.Configuration, underFunctionsHost: true, ct);
        // Under the Functions host, the worker's own invocation spans join the host's trace (and carry the function
        // name and invocation id), so an invocation and TerraFlow's spans and logs inside it are one operation.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryServiceCollectionExtensions.ConnectionStringSetting]))
            builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();

        var host = builder.Build();
        // Several instances may start at once (scale-out): migrations run under an advisory lock.
        await host.Services.MigrateTerraFlowPostgresAsync(ct);
        return host;
    }
}
