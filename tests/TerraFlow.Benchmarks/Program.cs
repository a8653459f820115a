using BenchmarkDotNet.Running;
using TerraFlow.Benchmarks.Load;
using TerraFlow.Benchmarks.WorkflowCompare;

// `dotnet run -c Release --project tests/TerraFlow.Benchmarks -- load [options]` runs the webhook load tool;
// `-- workflow-compare [options]` runs one pull request's workflow on TerraFlow's engine and on the Durable Task
// Framework (Azure Storage backend on Azurite); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*PlanReading*'`.
if (args.Length > 0 && args[0] == "load")
    return await LoadTool.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "monorepo")
    return await TerraFlow.Benchmarks.Monorepo.MonorepoTool.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "workflow-compare")
    return await WorkflowCompareTool.RunAsync(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(LoadTool).Assembly).Run(args);
return 0;
