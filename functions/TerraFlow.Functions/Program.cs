using TerraFlow.Functions;

// One command runs TerraFlow: `dotnet run --project functions/TerraFlow.Functions`.
await using var app = await TerraFlowApp.BuildAsync(args);
await app.RunAsync();
