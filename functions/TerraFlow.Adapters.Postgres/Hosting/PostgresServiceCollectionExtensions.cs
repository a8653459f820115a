using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TerraFlow.Application.Approvals;
using TerraFlow.Application.Health;
using TerraFlow.Application.Jobs;
using TerraFlow.Application.Signals;

namespace TerraFlow.Adapters.Postgres.Hosting;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// The host's PostgreSQL: the configured database (<c>ConnectionStrings:Postgres</c>) or an embedded one started
    /// now, the data source every store uses, the schema migrator, and the Postgres implementations of the
    /// application's ports. Call it before other hosted services are added: the database is registered first, so it
    /// stops last and outlives its users. Run <see cref="MigrateTerraFlowPostgresAsync"/> once the app is built.
    /// </summary>
    public static async Task<PostgresDatabase> AddTerraFlowPostgresAsync(this IServiceCollection services, IConfiguration config, PostgresHostingOptions options, ILogger logger, CancellationToken ct)
    {
        var database = await PostgresDatabase.ResolveAsync(config.GetConnectionString("Postgres"), options, logger, ct);
        services.AddHostedService(_ => database);
        services.AddSingleton(database);
        services.AddSingleton(_ => PostgresDataSource.Create(database.ConnectionString));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<IDatabaseHealth, PostgresDatabaseHealth>();
        services.AddSingleton<IWorkNotifications, PostgresWorkNotifications>();
        services.AddSingleton<ISignInStateLedger, PostgresSignInStateLedger>();
        services.AddSingleton<TerraFlow.Application.Access.ApiTokens.IApiTokenStore, PostgresApiTokenStore>();
        services.AddSingleton<TerraFlow.Application.Access.IConsoleSessionStore, PostgresConsoleSessionStore>();
        services.AddSingleton<TerraFlow.Application.Access.IRepositoryInstallations, PostgresRepositoryInstallations>();
        services.AddSingleton<IServiceSecrets, PostgresServiceSecrets>();
        services.AddSingleton<IJobResultIntake, PostgresJobResultIntake>();
        services.AddSingleton<IExpiredJobSweep, PostgresExpiredJobSweep>();
        services.AddSingleton<IJobDispatchOutbox, PostgresJobDispatchOutbox>();
        services.AddSingleton<TerraFlow.Application.Ports.IWorkflowStore, PostgresWorkflowStore>();
        // Webhook intake's group commit (TerraFlow:GroupCommit:Enabled=false gives each delivery its own transaction).
        var groupCommit = config.GetSection("TerraFlow:GroupCommit");
        if (groupCommit.GetValue("Enabled", defaultValue: true))
        {
            services.AddSingleton(groupCommit.Get<GroupCommitOptions>() ?? new GroupCommitOptions());
            services.AddSingleton<PostgresGroupCommit>();
            services.AddSingleton<TerraFlow.Application.Ports.IGroupCommit>(sp => sp.GetRequiredService<PostgresGroupCommit>());
        }
        services.AddSingleton<TerraFlow.Application.Outbox.IOutboxQueue, PostgresOutboxQueue>();
        services.AddSingleton<TerraFlow.Application.Queries.IRunQueries, Queries.PostgresRunQueries>();
        services.AddSingleton<TerraFlow.Application.Drift.IDriftStore, Drift.PostgresDriftStore>();
        services.AddSingleton<TerraFlow.Application.Drift.IDriftQueries, Drift.PostgresDriftQueries>();
        services.AddSingleton<TerraFlow.Application.Queries.IConsoleQueries, Queries.PostgresConsoleQueries>();
        return database;
    }

    /// <summary>Applies the schema migrations; on failure stops an embedded server this host started, so none is left behind.</summary>
    public static async Task MigrateTerraFlowPostgresAsync(this IServiceProvider services, CancellationToken ct)
    {
        try
        {
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        }
        catch
        {
            await services.GetRequiredService<PostgresDatabase>().StopAsync(CancellationToken.None);
            throw;
        }
    }
}
