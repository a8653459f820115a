namespace TerraFlow.Functions.Approvals;

public static class ApprovalsServiceCollectionExtensions
{
    /// <summary>
    /// Approval links and their pages. Needs <see cref="TerraFlowOptions"/>, the NpgsqlDataSource and AddGitHub's
    /// OAuth client registered; an <see cref="IApprovalRecorder"/> is registered separately (without one, the pages
    /// answer 503).
    /// </summary>
    public static IServiceCollection AddApprovalLinks(this IServiceCollection services)
    {
        services.AddSingleton<ApprovalSigningKeys>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalSigningKeys>());
        services.AddSingleton<ApprovalLinks>();
        return services;
    }
}
