using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;

namespace TerraFlow.Functions.Drift;

internal static class DriftRegistration
{
    /// <summary>
    /// Drift detection's services (<c>TerraFlow:Drift</c>): the scheduler, the result handler the engine calls, links,
    /// and, where the engine runs, the timer loop. Reporters (<see cref="IDriftReporter"/>) register themselves; none is fine.
    /// </summary>
    public static IServiceCollection AddDrift(this IServiceCollection services, IConfiguration config, string? publicUrl, bool engineEnabled)
    {
        var options = config.GetSection("TerraFlow:Drift").Get<DriftOptions>() ?? new DriftOptions();
        // A broken server default would silently schedule nothing: refuse to start instead.
        if (!string.IsNullOrWhiteSpace(options.DefaultSchedule) && !string.Equals(options.DefaultSchedule.Trim(), DriftSettings.Off, StringComparison.OrdinalIgnoreCase) &&
            !CronSchedule.TryParse(options.DefaultSchedule, null, out _, out var problem))
            throw new InvalidOperationException($"TerraFlow__Drift__DefaultSchedule: {problem}");
        services.AddSingleton(options);
        services.AddSingleton(new DriftLinks(publicUrl));
        services.AddSingleton<DriftScheduler>();
        services.AddSingleton<DriftReader>();
        services.AddSingleton<DriftResultHandler>();
        if (engineEnabled) services.AddHostedService<DriftLoop>();
        return services;
    }
}
