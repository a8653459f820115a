using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Adapters.Drift;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Jobs;
using TerraFlow.Adapters.Postgres.Hosting;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Approvals;
using TerraFlow.Application.Intake;
using TerraFlow.Application.Ports;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Functions.Api;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions.Console;
using TerraFlow.Functions.Console.ApiTokens;
using TerraFlow.Functions.Console.Entra;
using TerraFlow.Functions.Engine;
using TerraFlow.Functions.Webhooks;
using TerraFlow.Runner;
using TerraFlow.Application.Outbox;
using TerraFlow.Functions.Drift;

namespace TerraFlow.Functions;

/// <summary>
/// Builds the standalone TerraFlow host: configuration, database (embedded when none is configured), migrations,
/// services, endpoints. Program.cs and the tests both start TerraFlow through here, so they run the same wiring; the
/// isolated worker (Worker/) registers the same services through <see cref="AddTerraFlowAsync"/>.
/// </summary>
internal static class TerraFlowApp
{
    /// <summary>The Azure Functions local port, so the same URLs work under <c>func start</c> and standalone.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        // Settings files ship beside the binaries; state (.terraflow/) goes to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // On the Functions local port unless --urls / ASPNETCORE_URLS say otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        configure?.Invoke(builder);
        ConsoleLogFormat.Apply(builder.Logging, builder.Configuration, underFunctionsHost: false);
        await AddTerraFlowAsync(builder.Services, builder.Configuration, underFunctionsHost: false, ct);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGroup("").AllowConsoleAnonymous("health probes for load balancers and monitors").MapHealth();
        app.MapGroup("").AllowConsoleAnonymous("webhooks are verified by signature or token").MapWebhooks();
        app.MapGroup("").RequireAuthorization(ConsolePolicies.SignedIn).MapRuns();
        app.MapGroup("").AllowConsoleAnonymous("approval links carry a signed token; approvers sign in with the VCS host; OAuth callbacks").MapApprovals();
        app.MapDrift();
        app.MapConsoleSignIn();
        app.MapEntraSignIn();
        app.MapApiTokens();
        app.MapLocks();
        app.MapConsolePages();
        app.MapConsoleOperatorActions();

        await app.Services.MigrateTerraFlowPostgresAsync(ct);
        return app;
    }

    /// <summary>
    /// Every service TerraFlow runs on, for both hosts: this standalone one and the isolated worker
    /// (<see cref="Worker.FunctionsWorkerApp"/>). The caller applies the migrations once the host is built.
    /// </summary>
    public static async Task AddTerraFlowAsync(IServiceCollection services, IConfiguration config, bool underFunctionsHost, CancellationToken ct)
    {
        var options = config.GetSection("TerraFlow").Get<TerraFlowOptions>() ?? new TerraFlowOptions();
        using var startupLogs = LoggerFactory.Create(b => ConsoleLogFormat.AddConsole(b.AddConfiguration(config.GetSection("Logging")), config, underFunctionsHost));
        // First, so the database stops last: it outlives its users.
        await services.AddTerraFlowPostgresAsync(config, new PostgresHostingOptions(options.DataPath, options.EmbeddedPostgresPort), startupLogs.CreateLogger<PostgresDatabase>(), ct);
        // Next, so it stops after the engine and runner and its last flush includes their final items.
        services.AddTerraFlowTelemetry(config, "terraflow-functions");

        AddServices(services, config, options);
    }

    private static void AddServices(IServiceCollection services, IConfiguration config, TerraFlowOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);

        // VCS hosts, one line each: client, webhook source (/api/webhooks/{provider}), clone rules, CODEOWNERS
        // locations and approver sign-in. Runs, jobs and outbox rows find theirs by provider name (VcsHosts).
        services.AddGitHub(config);
        services.AddGitLab(config);
        services.AddAzureDevOps(config);
        // Drift reports (issue per drifted project, outbound webhook) as IEnumerable<IDriftReporter>, after the hosts.
        services.AddDriftReporting(config);
        // Clone URLs from webhooks must be on these hosts (intake and runner check; TerraFlow:CloneUrls).
        services.AddCloneUrlPolicy(config);

        var artifactsRoot = Path.GetFullPath(options.ArtifactsPath, Directory.GetCurrentDirectory());
        services.AddSingleton(ArtifactStoreFactory.Create(config, artifactsRoot));

        // Jobs go over Service Bus when TerraFlow:ServiceBus names a namespace or connection string, else PostgreSQL.
        var serviceBus = services.AddJobQueue(config);

        services.AddApprovalLinks();
        services.AddConsoleAuth(config);
        services.AddEntraSignInAndApiTokens(config);
        services.AddTerraFlowConsole();
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton(config.GetSection("TerraFlow:Engine").Get<EngineOptions>() ?? new EngineOptions());
        services.AddSingleton<WorkSignals>();
        services.AddSingleton<JobSignal>();
        // The use cases (TerraFlow.Application) over their ports; PostgreSQL implements the storage ports.
        services.AddSingleton<IVcsClients>(sp => sp.GetRequiredService<VcsClients>());
        services.AddSingleton<ICloneUrlGuard>(sp => sp.GetRequiredService<CloneUrlPolicy>());
        services.AddSingleton<IWorkflowMetrics, WorkflowMetrics>();
        services.AddSingleton(sp => new WorkflowSettings(sp.GetRequiredService<TerraFlowOptions>().PullRequests.ForkPlans));
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<PullRequestFactsReader>();
        services.AddSingleton<LifecycleCommandHandler>();
        services.AddSingleton<PlanCommandHandler>();
        services.AddSingleton<TrustCheckHandler>();
        services.AddSingleton<IApprovalRecorder, ApprovalRecorder>();
        // The outbox: claims without a transaction open during VCS calls (Application), PostgreSQL behind the ports.
        services.AddSingleton<TerraFlow.Application.Ports.IVcsClients>(sp => sp.GetRequiredService<VcsClients>());
        services.AddSingleton<TerraFlow.Application.Comments.IApprovalLinkIssuer>(sp => sp.GetRequiredService<ApprovalLinks>());
        services.AddSingleton(new TerraFlow.Application.Comments.CommentOptions(options.PublicUrl));
        services.AddSingleton<TerraFlow.Application.Comments.CommentSync>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<ExpiredLeaseSweeper>();
        services.AddDrift(config, options.PublicUrl, engineEnabled: config.GetValue("TerraFlow:Engine:Enabled", defaultValue: true));
        services.AddHostedService<NotificationListener>();
        // Off to measure intake alone, or where only the Timers function is to drive the engine. Under the Functions
        // host the loops run while an instance is up; the Timers function covers an app scaled to zero.
        var engineEnabled = config.GetValue("TerraFlow:Engine:Enabled", defaultValue: true);
        if (engineEnabled)
            services.AddHostedService<EngineLoop>();
        if (serviceBus is not null)
        {
            services.AddServiceBusHostSide();
            services.AddSingleton<JobDispatchLoop>();
            if (engineEnabled) services.AddHostedService(sp => sp.GetRequiredService<JobDispatchLoop>());
            // No Service Bus trigger: every host that runs the engine keeps a results receiver open, and the timer's
            // pass drains the results queue too, for when no instance is up to receive.
            if (engineEnabled) services.AddHostedService<ServiceBusResultsLoop>();
        }

        var runner = config.GetSection("TerraFlow:Runner").Get<RunnerOptions>() ?? new RunnerOptions();
        if (config.GetValue("TerraFlow:Runner:InProcess", defaultValue: true))
        {
            services.AddRepoConfigRules(config);
            services.AddTerraFlowRunner(runner);
        }
    }
}
