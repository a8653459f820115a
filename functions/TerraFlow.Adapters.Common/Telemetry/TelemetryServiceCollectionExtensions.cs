using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TerraFlow.Adapters.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The app setting Azure, the Bicep and the Functions host use for Application Insights.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// OpenTelemetry traces, metrics and logs exported to Application Insights by the Azure Monitor exporter when
    /// APPLICATIONINSIGHTS_CONNECTION_STRING is set; nothing otherwise. Traces: TerraFlow's own activities (runner
    /// jobs), ASP.NET Core requests, HttpClient calls (GitHub, GitLab, Blob) and Npgsql commands; metrics: the
    /// TerraFlow meter; logs: every ILogger category the logging configuration lets through. The standalone host,
    /// the runner and the isolated worker all register telemetry here. Returns whether telemetry is on.
    /// </summary>
    /// <param name="serviceName">The cloud role (terraflow-functions, terraflow-runner) unless TerraFlow:Telemetry:RoleName overrides it.</param>
    public static bool AddTerraFlowTelemetry(this IServiceCollection services, IConfiguration config, string serviceName)
    {
        var connectionString = config[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString)) return false;
        var options = config.GetSection("TerraFlow:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.RoleName ?? serviceName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .AddSource(TerraFlowTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpResponse = NameServedRoute)
                // Query strings are redacted by the instrumentation (SAS signatures, OAuth codes); headers are not recorded.
                .AddHttpClientInstrumentation()
                // Which commands become spans is decided where the data source is built (PostgresDataSource):
                // only those inside a request or a job, not the loops' idle polls.
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(TerraFlowTelemetry.Name))
            // OperationId / JobId / RunId scopes become custom dimensions of every log line of a job.
            .WithLogging(_ => { }, o => o.IncludeScopes = true)
            .UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                o.SamplingRatio = options.SamplingRatio;
                o.TracesPerSecond = null;
                // The exporter's trace-based log filter keeps a log written inside a span only when the span's flags
                // equal "recorded" exactly; .NET 10 also sets W3C's "random" flag (01 | 02), so every log of a request
                // or job would be dropped. Logs of traces the ratio drops are therefore kept too.
                o.EnableTraceBasedLogsSampler = false;
                o.EnableLiveMetrics = options.LiveMetrics ?? connectionString.Contains("LiveEndpoint=", StringComparison.OrdinalIgnoreCase);
                o.DisableOfflineStorage = !options.OfflineStorage;
                if (options.StorageDirectory is { Length: > 0 } dir) o.StorageDirectory = dir;
            });
        return true;
    }

    /// <summary>
    /// One route template serves every VCS host (<c>/api/webhooks/{provider}</c>); the endpoint names the registered
    /// host it served (<see cref="TerraFlowTelemetry.ServedRouteItem"/>), so requests are named
    /// "POST /api/webhooks/github" without naming an item after unverified text from the URL.
    /// </summary>
    private static void NameServedRoute(System.Diagnostics.Activity activity, HttpResponse response)
    {
        if (response.HttpContext.Items[TerraFlowTelemetry.ServedRouteItem] is not string served) return;
        activity.SetTag("http.route", served);
        activity.DisplayName = $"{response.HttpContext.Request.Method} {served}";
    }
}
