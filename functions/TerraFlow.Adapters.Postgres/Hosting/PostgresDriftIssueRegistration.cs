using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TerraFlow.Application.Drift;

namespace TerraFlow.Adapters.Postgres.Hosting;

public static class PostgresDriftIssueRegistration
{
    /// <summary>The PostgreSQL <see cref="IDriftIssueStore"/> (table <c>drift_issues</c>) over the host's data source.</summary>
    public static IServiceCollection AddPostgresDriftIssueStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IDriftIssueStore, PostgresDriftIssueStore>();
        return services;
    }
}
