using System.Diagnostics;
using System.Text.Json.Nodes;
using TerraFlow.Functions.CustomHandler;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.CustomHandler;

/// <summary>
/// `dotnet publish` of the Functions project yields a deployable custom-handler app: host.json at the root, one folder
/// per registered function with a function.json, the handler; every JSON file valid against SchemaStore's schemas.
/// </summary>
public sealed class FunctionAppPublishTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "terraflow-funcapp-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Publish_produces_a_valid_custom_handler_app()
    {
        await PublishAsync(_dir);

        var hostJson = Path.Combine(_dir, "host.json");
        Assert.True(File.Exists(hostJson), "host.json is not in the publish folder");
        FunctionAppFiles.AssertValid(FunctionAppFiles.Schema("host.json"), hostJson);
        var host = FunctionAppFiles.ReadObject(hostJson);
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        // The app maps /api/...; the host must put the functions' routes under the same prefix.
        Assert.Equal(FunctionRegistry.RoutePrefix, host["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api");
        // Timers' pass stops taking work after its budget, so it must end well inside the host's timeout.
        Assert.True(TimeSpan.Parse(host["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > TimersFunction.Budget + TimeSpan.FromMinutes(1));
        // The handler the host starts must be in the app folder.
        var executable = host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>();
        Assert.True(File.Exists(Path.Combine(_dir, executable)), $"host.json starts '{executable}', which publish did not produce");

        var functionSchema = FunctionAppFiles.Schema("function.json");
        var folders = Directory.EnumerateDirectories(_dir).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(FunctionRegistry.All.Select(f => f.Name).Order(), folders);
        foreach (var function in FunctionRegistry.All)
        {
            var path = Path.Combine(_dir, function.Name, "function.json");
            FunctionAppFiles.AssertValid(functionSchema, path);
            Assert.True(JsonNode.DeepEquals(FunctionJsonWriter.Render(function), JsonNode.Parse(File.ReadAllText(path))), $"{path} differs from the registry");
        }
        AssertForwardable(_dir);
    }

    [Fact]
    public void Metadata_mode_writes_every_function_and_removes_stale_ones()
    {
        var stale = Path.Combine(_dir, "Retired");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "function.json"), """{"bindings":[]}""");
        var unrelated = Path.Combine(_dir, "wwwroot");
        Directory.CreateDirectory(unrelated);

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, FunctionMetadataCommand.TryRun([FunctionMetadataCommand.Option, _dir], output, error));

        Assert.False(Directory.Exists(stale), "a function folder no longer in the registry was left behind");
        Assert.True(Directory.Exists(unrelated), "a folder without function.json is not the writer's to delete");
        var schema = FunctionAppFiles.Schema("function.json");
        foreach (var function in FunctionRegistry.All)
            FunctionAppFiles.AssertValid(schema, Path.Combine(_dir, function.Name, "function.json"));
        AssertForwardable(_dir);
        Assert.Null(FunctionMetadataCommand.TryRun(["--urls", "http://127.0.0.1:0"], output, error));
        Assert.Equal(2, FunctionMetadataCommand.TryRun([FunctionMetadataCommand.Option], output, error));
    }

    [Fact]
    public void Local_settings_sample_is_valid_and_names_the_custom_runtime()
    {
        var path = Path.Combine(RepoPaths.Root, "local.settings.sample.json");
        FunctionAppFiles.AssertValid(FunctionAppFiles.Schema("local.settings.json"), path);
        var values = FunctionAppFiles.ReadObject(path)["Values"]!;
        Assert.Equal("custom", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        // The Service Bus trigger's connection must be configurable from the sample (identity-based connection).
        Assert.NotNull(values[FunctionRegistry.ServiceBusConnection + "__fullyQualifiedNamespace"]);
    }

    // Request forwarding only applies to functions whose bindings are exactly httpTrigger in + http out; anything
    // else would make the host send the app the JSON invocation payload at /{FunctionName} instead.
    private static void AssertForwardable(string dir)
    {
        foreach (var (function, _) in FunctionRegistry.HttpFunctions)
        {
            var bindings = FunctionAppFiles.ReadObject(Path.Combine(dir, function.Name, "function.json"))["bindings"]!.AsArray();
            Assert.Equal(["httpTrigger:in", "http:out"], bindings.Select(b => $"{b!["type"]}:{b["direction"]}"));
        }
    }

    private static async Task PublishAsync(string output)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var project = Path.Combine(RepoPaths.Root, "functions", "TerraFlow.Functions");
        var log = Path.Combine(Path.GetTempPath(), "terraflow-publish-" + Guid.NewGuid().ToString("N")[..10] + ".log");
        // No build servers: they would outlive the command (and hold its output open).
        var start = new ProcessStartInfo(dotnet)
        {
            ArgumentList = { "publish", project, "-c", "Release", "-o", output, "--nologo", "--disable-build-servers", "-v", "minimal", $"-flp:logfile={log}" },
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = RepoPaths.Root,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet publish");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish took longer than 8 minutes");
        }
        var text = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)";
        File.Delete(log);
        Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{text}");
    }
}
