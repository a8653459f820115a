using TerraFlow.Application.Queries;
using TerraFlow.Application.Workflow;

namespace TerraFlow.Functions.Console;

/// <summary>The console's services (pages and JSON API): reads filtered by repository access, the lock release, VCS links (anti-forgery is the sign-in's ConsoleAntiForgery).</summary>
internal static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddTerraFlowConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleReader>();
        services.AddSingleton<ConsoleLockRelease>();
        services.AddSingleton<ConsoleReplan>();
        services.AddSingleton<ConsoleQueueCancel>();
        services.AddSingleton<VcsWebLinks>();
        return services;
    }
}
