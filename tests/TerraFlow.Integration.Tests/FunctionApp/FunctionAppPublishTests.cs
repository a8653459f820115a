using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TerraFlow.Functions.Engine;
using TerraFlow.Functions.Worker;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.FunctionApp;

/// <summary>
/// `dotnet publish` of the Functions project yields a deployable .NET isolated-worker app: <c>functions.metadata</c>
/// (written by the Functions Worker SDK from the [Function] methods) lists every HTTP function with its route, methods
/// and auth level and the timer; <c>worker.config.json</c> starts the worker; <c>host.json</c> is valid against
/// SchemaStore's schema and carries no custom-handler section.
/// </summary>
public sealed class FunctionAppPublishTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "terraflow-funcapp-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>What the deployed app must expose: route → (methods, auth level). Webhooks cannot send function keys
    /// (they are verified by signature or token), people open approval links and come back from OAuth sign-in without
    /// keys, probes carry none; the console API and pages check a console session or API token themselves.</summary>
    private static readonly Dictionary<string, (string[] Methods, string AuthLevel)> ExpectedHttp = new()
    {
        ["webhooks/github"] = (["post"], "Anonymous"),
        ["webhooks/gitlab"] = (["post"], "Anonymous"),
        ["webhooks/{provider}"] = (["post"], "Anonymous"),
        ["approvals/{token}"] = (["get", "post"], "Anonymous"),
        ["approvals/{token}/sign-in"] = (["get"], "Anonymous"),
        ["oauth/{provider}/callback"] = (["get"], "Anonymous"),
        // The console API and pages: anonymous at the Functions host (a function key names no user); each function
        // checks the console session or API token and the user's repository access itself (ConsoleAuthentication).
        ["runs"] = (["get"], "Anonymous"),
        ["runs/{id:long}"] = (["get"], "Anonymous"),
        ["runs/{id:long}/events"] = (["get"], "Anonymous"),
        ["runs/{id:long}/projects/{name}/plan"] = (["get"], "Anonymous"),
        ["runs/{id:long}/projects/{name}/apply"] = (["get"], "Anonymous"),
        ["locks"] = (["get"], "Anonymous"),
        ["console"] = (["get"], "Anonymous"),
        ["console/runs"] = (["get"], "Anonymous"),
        ["console/runs/{id:long}"] = (["get"], "Anonymous"),
        ["console/locks"] = (["get"], "Anonymous"),
        ["console/locks/release"] = (["get", "post"], "Anonymous"),
        ["console/health"] = (["get"], "Anonymous"),
        ["console/drift"] = (["get", "post"], "Anonymous"),
        ["drift"] = (["get"], "Anonymous"),
        ["projects/{id:long}/drift"] = (["post"], "Anonymous"),
        // Operator actions (ConsoleOperatorActions): the functions check the Operate policy and anti-forgery themselves.
        ["console/runs/{id:long}/replan"] = (["post"], "Anonymous"),
        ["console/locks/cancel"] = (["get", "post"], "Anonymous"),
        ["runs/{id:long}/replan"] = (["post"], "Anonymous"),
        ["locks/cancel"] = (["post"], "Anonymous"),
        ["health"] = (["get"], "Anonymous"),
        ["health/live"] = (["get"], "Anonymous"),
        // Console sign-in: anonymous to the Functions host; sign-out checks the session and anti-forgery token itself.
        ["sign-in"] = (["get"], "Anonymous"),
        ["sign-in/{provider}"] = (["get"], "Anonymous"),
        ["sign-out"] = (["post"], "Anonymous"),
        // Entra sign-in (state cookie, PKCE, id_token checks) and admin API tokens (admin session + anti-forgery checked in the function).
        ["auth/entra/sign-in"] = (["get"], "Anonymous"),
        ["auth/entra/callback"] = (["get"], "Anonymous"),
        ["tokens"] = (["get", "post"], "Anonymous"),
        ["tokens/{id:long}"] = (["delete"], "Anonymous"),
    };

    [Fact]
    public async Task Publish_produces_an_isolated_worker_app_with_every_function()
    {
        await PublishAsync(_dir);

        var metadataPath = Path.Combine(_dir, "functions.metadata");
        Assert.True(File.Exists(metadataPath), "functions.metadata is not in the publish folder");
        var functions = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsArray().Select(f => f!.AsObject()).ToList();
        var triggers = functions.Select(f => (Function: f, Trigger: f["bindings"]!.AsArray().Single(b => b!["direction"]!.GetValue<string>() == "In")!.AsObject())).ToList();

        // Every trigger is HTTP or the timer: no Service Bus trigger (its host extension cannot be built here).
        Assert.All(triggers, t => Assert.Contains(t.Trigger["type"]!.GetValue<string>(), new[] { "httpTrigger", "timerTrigger" }));

        var http = triggers.Where(t => t.Trigger["type"]!.GetValue<string>() == "httpTrigger")
            .ToDictionary(t => t.Trigger["route"]!.GetValue<string>(), t => t.Trigger);
        Assert.Equal(ExpectedHttp.Keys.Order(), http.Keys.Order());
        foreach (var (route, (methods, authLevel)) in ExpectedHttp)
        {
            Assert.Equal(authLevel, http[route]["authLevel"]!.GetValue<string>());
            Assert.Equal(methods, http[route]["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()).Order());
        }

        var timer = Assert.Single(triggers, t => t.Trigger["type"]!.GetValue<string>() == "timerTrigger");
        Assert.Equal("Timers", timer.Function["name"]!.GetValue<string>());
        Assert.Equal(TimersFunction.Schedule, timer.Trigger["schedule"]!.GetValue<string>());

        // Each entry point is a [Function] method of the published assembly.
        var published = typeof(TimersFunction).Assembly.GetName().Name + ".dll";
        foreach (var function in functions)
        {
            Assert.Equal(published, function["scriptFile"]!.GetValue<string>());
            var entryPoint = function["entryPoint"]!.GetValue<string>();
            var type = typeof(TimersFunction).Assembly.GetType(entryPoint[..entryPoint.LastIndexOf('.')], throwOnError: true)!;
            Assert.NotNull(type.GetMethod(entryPoint[(entryPoint.LastIndexOf('.') + 1)..]));
        }

        // worker.config.json tells the host how to start the worker, and that it exists.
        var workerConfig = Path.Combine(_dir, "worker.config.json");
        Assert.True(File.Exists(workerConfig), "worker.config.json is not in the publish folder");
        var description = FunctionAppFiles.ReadObject(workerConfig)["description"]!;
        Assert.Equal("dotnet-isolated", description["language"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_dir, description["defaultWorkerPath"]!.GetValue<string>())), "the worker assembly worker.config.json names is missing");

        var hostJson = Path.Combine(_dir, "host.json");
        Assert.True(File.Exists(hostJson), "host.json is not in the publish folder");
        FunctionAppFiles.AssertValid(FunctionAppFiles.Schema("host.json"), hostJson);
        var host = FunctionAppFiles.ReadObject(hostJson);
        Assert.Null(host["customHandler"]);
        // Isolated-worker apps get their extensions from the package (.azurefunctions), not from an extension bundle.
        Assert.Null(host["extensionBundle"]);
        Assert.Equal("api", host["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api");
        // The Timers pass stops taking work after its budget, so it must end well inside the host's timeout.
        Assert.True(TimeSpan.Parse(host["functionTimeout"]!.GetValue<string>(), CultureInfo.InvariantCulture) > EnginePass.Budget + TimeSpan.FromMinutes(1));
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), File.ReadAllText(hostJson));
    }

    [Fact]
    public void Local_settings_sample_is_valid_and_names_the_isolated_runtime()
    {
        var path = Path.Combine(RepoPaths.Root, "local.settings.sample.json");
        FunctionAppFiles.AssertValid(FunctionAppFiles.Schema("local.settings.json"), path);
        var values = FunctionAppFiles.ReadObject(path)["Values"]!;
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
    }

    [Fact]
    public void The_repository_host_json_is_valid_and_has_no_custom_handler()
    {
        var path = Path.Combine(RepoPaths.Root, "host.json");
        FunctionAppFiles.AssertValid(FunctionAppFiles.Schema("host.json"), path);
        Assert.Null(FunctionAppFiles.ReadObject(path)["customHandler"]);
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
        // The Worker SDK also restores and builds its extensions project: slower than a plain publish on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish took longer than 12 minutes");
        }
        var text = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)";
        File.Delete(log);
        Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{text}");
    }
}
