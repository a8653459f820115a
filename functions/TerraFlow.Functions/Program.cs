using TerraFlow.Functions;
using TerraFlow.Functions.CustomHandler;

// `TerraFlow.Functions --write-function-metadata <dir>` (run by publish) writes the Azure Functions function.json
// folders and exits before any configuration, database or web server starts.
if (FunctionMetadataCommand.TryRun(args, Console.Out, Console.Error) is { } exitCode) return exitCode;

// One command runs TerraFlow: `dotnet run --project functions/TerraFlow.Functions`.
await using var app = await TerraFlowApp.BuildAsync(args);
await app.RunAsync();
return 0;
