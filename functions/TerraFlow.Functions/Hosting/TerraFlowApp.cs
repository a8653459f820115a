using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.GitLabOAuth;
using TerraFlow.Adapters.Jobs;
using TerraFlow.Adapters.Postgres.Hosting;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Functions.Api;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions.CustomHandler;
using TerraFlow.Functions.Engine;
using TerraFlow.Functions.Webhooks;
using TerraFlow.Runner;

namespace TerraFlow.Functions;

/// <summary>
/// Builds the standalone TerraFlow host: configuration, database (embedded when none is configured), migrations,
/// services, endpoints. Program.cs and the tests both start TerraFlow through here, so they run the same wiring.
/// </summary>
public static class TerraFlowApp
{
    /// <summary>The Azure Functions local port, so the same URLs work under <c>func start</c> and standalone.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>True when the Azure Functions host started this process as its custom handler.</summary>
    public static bool RunsUnderFunctionsHost => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT"));

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        // Settings files ship beside the binaries; state (.terraflow/) goes to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Under the Functions host (custom handler), listen where the host forwards requests; otherwise on the
        // Functions local port unless --urls / ASPNETCORE_URLS say otherwise.
        var handlerPort = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT");
        if (RunsUnderFunctionsHost) builder.WebHost.UseUrls($"http://127.0.0.1:{handlerPort}");
        else if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        configure?.Invoke(builder);
        ConsoleLogFormat.Apply(builder.Logging, builder.Configuration, RunsUnderFunctionsHost);

        var options = builder.Configuration.GetSection("TerraFlow").Get<TerraFlowOptions>() ?? new TerraFlowOptions();
        using var startupLogs = LoggerFactory.Create(b => ConsoleLogFormat.AddConsole(b.AddConfiguration(builder.Configuration.GetSection("Logging")), builder.Configuration, RunsUnderFunctionsHost));
        // First, so the database stops last: it outlives its users.
        await builder.Services.AddTerraFlowPostgresAsync(builder.Configuration, new PostgresHostingOptions(options.DataPath, options.EmbeddedPostgresPort), startupLogs.CreateLogger<PostgresDatabase>(), ct);
        // Next, so it stops after the engine and runner and its last flush includes their final items.
        builder.Services.AddTerraFlowTelemetry(builder.Configuration, "terraflow-functions");

        AddServices(builder, options);

        var app = builder.Build();
        app.UseRequestTelemetryTags();
        app.MapHealth();
        app.MapGitHubWebhook();
        app.MapGitLabWebhook();
        app.MapRuns();
        app.MapApprovals();
        app.MapCustomHandlerInvocations();

        await app.Services.MigrateTerraFlowPostgresAsync(ct);
        return app;
    }

    private static void AddServices(WebApplicationBuilder builder, TerraFlowOptions options)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);

        var github = config.GetSection("TerraFlow:GitHub").Get<GitHubOptions>() ?? new GitHubOptions();
        // Every VCS host TerraFlow talks to is a named provider in VcsClients; runs, jobs and outbox rows pick theirs
        // by name. GitHub is always there; other providers register themselves (AddVcsProvider) only when configured.
        services.AddGitHubProvider(github);
        // GitLab beside GitHub: options and webhook verifier always; the client (provider "gitlab") when a token is set.
        services.AddGitLab(config);
        // GitLab approver sign-in (TerraFlow:GitLab:ClientId/ClientSecret).
        services.AddGitLabSignIn(config);
        // Clone URLs from webhooks must be on these hosts (intake and runner check; TerraFlow:CloneUrls).
        services.AddCloneUrlPolicy(config);

        var artifactsRoot = Path.GetFullPath(options.ArtifactsPath, Directory.GetCurrentDirectory());
        services.AddSingleton(ArtifactStoreFactory.Create(config, artifactsRoot));

        // Jobs go over Service Bus when TerraFlow:ServiceBus names a namespace or connection string, else PostgreSQL.
        var serviceBus = services.AddJobQueue(config);

        services.AddApprovalLinks();
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton(config.GetSection("TerraFlow:Engine").Get<EngineOptions>() ?? new EngineOptions());
        services.AddSingleton<WorkSignals>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<PullRequestFactsReader>();
        services.AddSingleton<LifecycleCommandHandler>();
        services.AddSingleton<PlanCommandHandler>();
        services.AddSingleton<TrustCheckHandler>();
        services.AddSingleton<TerraFlow.Functions.Approvals.IApprovalRecorder, TerraFlow.Functions.Approvals.PostgresApprovalRecorder>();
        services.AddSingleton<CommentSync>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<ExpiredLeaseSweeper>();
        services.AddHostedService<NotificationListener>();
        // Off where something else drives the engine (the Timers function in Azure) or to measure intake alone.
        var engineEnabled = config.GetValue("TerraFlow:Engine:Enabled", defaultValue: true);
        if (engineEnabled)
            services.AddHostedService<EngineLoop>();
        if (serviceBus is not null)
        {
            services.AddSingleton<ServiceBusJobDispatcher>();
            services.AddSingleton<JobDispatchLoop>();
            if (engineEnabled) services.AddHostedService(sp => sp.GetRequiredService<JobDispatchLoop>());
            // In Azure the JobResults function (Service Bus trigger) drains results; standalone, this loop does.
            if (!RunsUnderFunctionsHost) services.AddHostedService<ServiceBusResultsLoop>();
        }

        var runner = config.GetSection("TerraFlow:Runner").Get<RunnerOptions>() ?? new RunnerOptions();
        if (config.GetValue("TerraFlow:Runner:InProcess", defaultValue: true))
        {
            services.AddRepoConfigRules(config);
            services.AddTerraFlowRunner(runner);
        }
    }
}
