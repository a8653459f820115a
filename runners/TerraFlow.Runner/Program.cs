using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Jobs;
using TerraFlow.Runner;

// A runner on its own: `dotnet run --project runners/TerraFlow.Runner` with ConnectionStrings__Postgres pointing at
// the database the Function App (or standalone host) uses. It shares the artifact folder through TerraFlow__ArtifactsPath.
var builder = Host.CreateApplicationBuilder(args);
var config = builder.Configuration;
var connectionString = config.GetConnectionString("Postgres");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("TerraFlow runner: set ConnectionStrings__Postgres to the TerraFlow database.");
    return 2;
}

builder.Services.AddSingleton(_ => PostgresDataSource.Create(connectionString));
builder.Services.AddSingleton(config.GetSection("TerraFlow:Queue").Get<JobQueueOptions>() ?? new JobQueueOptions());
builder.Services.AddSingleton<IJobQueue, PostgresJobQueue>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddGitHub(config.GetSection("TerraFlow:GitHub").Get<GitHubOptions>() ?? new GitHubOptions());
var artifacts = config["TerraFlow:ArtifactsPath"] ?? Path.Combine(".terraflow", "artifacts");
builder.Services.AddSingleton(ArtifactStoreFactory.Create(config, artifacts));
builder.Services.AddTerraFlowRunner(config.GetSection("TerraFlow:Runner").Get<RunnerOptions>() ?? new RunnerOptions());

await builder.Build().RunAsync();
return 0;
