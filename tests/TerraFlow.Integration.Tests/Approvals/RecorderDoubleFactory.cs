using TerraFlow.Application.Approvals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>
/// Replaces the host's <see cref="IApprovalRecorder"/> with a test double. A service provider factory sees the finished
/// service collection, so the double wins over the recorder the app registers.
/// </summary>
internal sealed class RecorderDoubleFactory(IApprovalRecorder recorder) : IServiceProviderFactory<IServiceCollection>
{
    public IServiceCollection CreateBuilder(IServiceCollection services)
    {
        services.RemoveAll<IApprovalRecorder>();
        services.AddSingleton(recorder);
        return services;
    }

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider();
}
