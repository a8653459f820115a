using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Jobs;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Artifacts;
using TerraFlow.Runner;

// A runner on its own: `dotnet run --project runners/TerraFlow.Runner`. It takes jobs from Azure Service Bus when
// TerraFlow__ServiceBus__FullyQualifiedNamespace (Entra ID: managed identity, needing only Data Receiver on the jobs
// queue and Data Sender on the results queue) or TerraFlow__ServiceBus__ConnectionString is set (Azure.Messaging.ServiceBus, AMQP),
// otherwise from the PostgreSQL queue at ConnectionStrings__Postgres (the database the host uses). It shares the
// artifact folder through TerraFlow__ArtifactsPath (or Blob storage through TerraFlow:Artifacts:Blob).
var builder = Host.CreateApplicationBuilder(args);
var config = builder.Configuration;
ConsoleLogFormat.Apply(builder.Logging, config, underFunctionsHost: false);
// Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set; jobs continue the webhook's operation.
builder.Services.AddTerraFlowTelemetry(config, "terraflow-runner");
if (JobTransport.ServiceBus(config) is null)
{
    var connectionString = config.GetConnectionString("Postgres");
    if (string.IsNullOrWhiteSpace(connectionString))
    {
        Console.Error.WriteLine("TerraFlow runner: set ConnectionStrings__Postgres to the TerraFlow database, or TerraFlow__ServiceBus__FullyQualifiedNamespace / __ConnectionString to take jobs from Service Bus.");
        return 2;
    }
    builder.Services.AddSingleton(_ => PostgresDataSource.Create(connectionString));
}
builder.Services.AddJobQueue(config);
builder.Services.AddSingleton(TimeProvider.System);
// VCS hosts, one line each: a job clones with its provider's token, presented the way that host wants it.
builder.Services.AddGitHub(config);
builder.Services.AddGitLab(config);
builder.Services.AddAzureDevOps(config);
// Defence in depth: the runner refuses clone URLs not on the configured hosts before fetching any token.
builder.Services.AddCloneUrlPolicy(config);
var artifacts = config["TerraFlow:ArtifactsPath"] ?? Path.Combine(".terraflow", "artifacts");
builder.Services.AddSingleton(ArtifactStoreFactory.Create(config, artifacts));
builder.Services.AddRepoConfigRules(config);
builder.Services.AddTerraFlowRunner(config.GetSection("TerraFlow:Runner").Get<RunnerOptions>() ?? new RunnerOptions());

await builder.Build().RunAsync();
return 0;
