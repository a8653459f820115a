using TerraFlow.Functions;
using TerraFlow.Functions.Worker;

// Started by the Azure Functions host (worker.config.json): the .NET isolated worker, same services and handlers.
if (FunctionsWorkerApp.IsStartedByFunctionsHost(args, Environment.GetEnvironmentVariable))
{
    using var worker = await FunctionsWorkerApp.BuildAsync(args);
    await worker.RunAsync();
    return 0;
}

// One command runs TerraFlow: `dotnet run --project functions/TerraFlow.Functions`.
await using var app = await TerraFlowApp.BuildAsync(args);
await app.RunAsync();
return 0;
