using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Runner;

/// <summary>Runs the job loop for the lifetime of the host (in the standalone host, or the runner process).</summary>
public sealed class RunnerHostedService(JobRunner runner, RunnerOptions options, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Before any job: children that share this process's uid (a runner that is not root) must not read its
        // environment or memory through /proc.
        Sandbox.ProcessProtection.MakeUndumpable();
        if (!options.SingleJob)
        {
            await runner.RunAsync(stoppingToken);
            return;
        }
        // An event-driven Container Apps job execution: work on one job (waiting briefly for it), then end the process.
        await runner.RunOneAsync(options.SingleJobWait, stoppingToken);
        lifetime.StopApplication();
    }
}

public static class RunnerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the runner: its options, job handlers and loop. The caller provides IJobQueue, the VCS providers (AddVcsProvider) and
    /// IArtifactStore, which differ between the embedded and the Azure setup.
    /// </summary>
    public static IServiceCollection AddTerraFlowRunner(this IServiceCollection services, RunnerOptions options)
    {
        services.AddSingleton(options);
        services.AddVcsClients();
        services.TryAddSingleton<JobSignal>();
        services.AddSingleton<IJobHandler, DiscoverJobHandler>();
        services.AddSingleton<IJobHandler, PlanJobHandler>();
        services.AddSingleton<IJobHandler, DriftJobHandler>();
        services.AddSingleton<IJobHandler, ApplyJobHandler>();
        // The host waits for the hosted service only up to ShutdownTimeout (30 s by default): an apply in its grace
        // period, then its interruption and the report, must fit in it.
        services.PostConfigure<HostOptions>(host =>
        {
            var needed = ShutdownTimeoutFor(options);
            if (host.ShutdownTimeout < needed) host.ShutdownTimeout = needed;
        });
        services.AddSingleton<JobRunner>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<Workspace.WorkspaceSweeper>();
        services.AddHostedService<RunnerHostedService>();
        return services;
    }

    /// <summary>Grace period + time for Terraform to exit after SIGINT + a minute to upload the log and report.</summary>
    public static TimeSpan ShutdownTimeoutFor(RunnerOptions options) =>
        options.ApplyGracePeriod + options.ApplyInterruptTimeout + TimeSpan.FromMinutes(1);
}
