using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Sends telemetry to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set (the app setting
    /// Azure and the Bicep use); does nothing otherwise. Returns whether telemetry is on.
    /// </summary>
    public static bool AddTerraFlowTelemetry(this IServiceCollection services, IConfiguration config, string roleName)
    {
        var connection = AppInsightsConnectionString.Parse(config[AppInsightsConnectionString.SettingName]);
        if (connection is null) return false;
        var options = config.GetSection("TerraFlow:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        var gitHubApi = config["TerraFlow:GitHub:ApiUrl"] ?? "https://api.github.com";
        if (options.GitHubAuthority is null && Uri.TryCreate(gitHubApi, UriKind.Absolute, out var api))
            options.GitHubAuthority = api.IsDefaultPort ? api.Host : $"{api.Host}:{api.Port}";
        services.AddSingleton(sp => new AppInsightsExporter(connection, options, roleName, sp.GetRequiredService<ILogger<AppInsightsExporter>>()));
        services.AddHostedService(sp => sp.GetRequiredService<AppInsightsExporter>());
        return true;
    }
}
