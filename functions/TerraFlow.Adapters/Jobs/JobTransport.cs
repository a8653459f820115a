using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Jobs;

/// <summary>
/// Picks the job transport from configuration, the same way in the host and in runners: Service Bus when
/// <c>TerraFlow:ServiceBus</c> has a <c>ConnectionString</c> or a <c>FullyQualifiedNamespace</c>, otherwise the
/// PostgreSQL queue (the default, which needs nothing configured).
/// </summary>
public static class JobTransport
{
    public const string ServiceBusSection = "TerraFlow:ServiceBus";

    /// <summary>The Service Bus options when Service Bus is configured; null means "use PostgreSQL".</summary>
    public static ServiceBusOptions? ServiceBus(IConfiguration config)
    {
        var options = config.GetSection(ServiceBusSection).Get<ServiceBusOptions>();
        return options is not null && (!string.IsNullOrWhiteSpace(options.ConnectionString) || !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace))
            ? options
            : null;
    }

    /// <summary>
    /// Registers <see cref="IJobQueue"/> for runners: <see cref="ServiceBusJobQueue"/> (with one
    /// <see cref="ServiceBusClient"/> per process and the <see cref="ServiceBusOptions"/>) or <see cref="PostgresJobQueue"/>
    /// (which needs an <c>NpgsqlDataSource</c> registered by the caller). Returns the Service Bus options, or null.
    /// A <see cref="ServiceBusClient"/> registered before this call (tests: a broker double) is used instead of a real one.
    /// </summary>
    public static ServiceBusOptions? AddJobQueue(this IServiceCollection services, IConfiguration config)
    {
        var serviceBus = ServiceBus(config);
        if (serviceBus is null)
        {
            services.AddSingleton(config.GetSection("TerraFlow:Queue").Get<JobQueueOptions>() ?? new JobQueueOptions());
            services.AddSingleton<PostgresJobQueue>();
            services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<PostgresJobQueue>());
            return null;
        }

        services.AddSingleton(serviceBus);
        // One client per process: it owns the AMQP connection (and the token cache) every sender and receiver shares.
        services.TryAddSingleton(_ => ServiceBusClients.Create(serviceBus));
        services.AddSingleton<ServiceBusJobQueue>();
        services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<ServiceBusJobQueue>());
        return serviceBus;
    }

    /// <summary>
    /// The host's side of the Service Bus transport (call after <see cref="AddJobQueue"/> returned options): the job
    /// sender, the results source with the <see cref="JobResultPump"/> use case over it, and the health probe.
    /// </summary>
    public static void AddServiceBusHostSide(this IServiceCollection services)
    {
        services.AddSingleton<ServiceBusJobDispatcher>();
        services.AddSingleton<ServiceBusJobResultSource>();
        services.AddSingleton<IJobResultSource>(sp => sp.GetRequiredService<ServiceBusJobResultSource>());
        services.AddSingleton<JobResultPump>();
        services.AddSingleton<ServiceBusHealthProbe>();
    }
}
