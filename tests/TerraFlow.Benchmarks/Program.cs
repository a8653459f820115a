using BenchmarkDotNet.Running;
using TerraFlow.Benchmarks.Load;

// `dotnet run -c Release --project tests/TerraFlow.Benchmarks -- load [options]` runs the webhook load tool;
// anything else goes to BenchmarkDotNet, e.g. `-- --filter '*PlanReading*'`.
if (args.Length > 0 && args[0] == "load")
    return await LoadTool.RunAsync(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(LoadTool).Assembly).Run(args);
return 0;
