using TerraFlow.Application.Approvals;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Functions.Approvals;

internal static class ApprovalsServiceCollectionExtensions
{
    /// <summary>
    /// Approval links and their pages. Needs <see cref="TerraFlowOptions"/>, the stores behind
    /// <c>IServiceSecrets</c> and <c>ISignInStateLedger</c> (AddTerraFlowPostgresAsync) and the VCS hosts (AddGitHub,
    /// AddGitLab: their modules carry the approver sign-ins) registered; an
    /// <see cref="IApprovalRecorder"/> is registered separately (without one, the pages answer 503).
    /// </summary>
    public static IServiceCollection AddApprovalLinks(this IServiceCollection services)
    {
        services.AddSingleton<ApprovalSigningKeys>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalSigningKeys>());
        services.AddSingleton<ApprovalLinks>();
        services.AddVcsClients(); // the OAuthSignIns registry
        return services;
    }
}
