using TerraFlow.Application.Approvals;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.Postgres;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Providers;

/// <summary>
/// The real TerraFlow host (same wiring as production) on a known loopback port, with extra registrations (e.g. a
/// second VCS provider through AddVcsProvider) and, optionally, a test <see cref="IApprovalRecorder"/> that replaces
/// the PostgreSQL one (the approach of the approval tests' host: the service provider factory sees the finished
/// service collection, so the double wins).
/// </summary>
internal sealed class ProvidersTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProvidersTestHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public NpgsqlDataSource Database => _app.Services.GetRequiredService<NpgsqlDataSource>();

    public ApprovalLinks Links => _app.Services.GetRequiredService<ApprovalLinks>();

    /// <param name="settings">Configuration on top of the defaults (a test database, no GitHub credentials, Terraform stand-in).</param>
    /// <param name="services">Extra registrations, applied before TerraFlow's own.</param>
    /// <param name="recorder">Replaces the approval recorder when given.</param>
    public static async Task<ProvidersTestHost> StartAsync(IDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null,
        IApprovalRecorder? recorder = null, string? baseUrl = null)
    {
        baseUrl ??= $"http://127.0.0.1:{LoopbackPort.Free()}";
        var values = new Dictionary<string, string>
        {
            ["urls"] = baseUrl,
            ["ConnectionStrings:Postgres"] = await PostgresTestCluster.Shared.CreateDatabaseAsync("providers"),
            ["TerraFlow:PublicUrl"] = baseUrl,
            // GitHub is always a provider; pointed at a closed port so any call to it fails loudly.
            ["TerraFlow:GitHub:ApiUrl"] = $"http://127.0.0.1:{LoopbackPort.Free()}",
            ["TerraFlow:ArtifactsPath"] = Path.Combine(Path.GetTempPath(), "terraflow-providers-" + Guid.NewGuid().ToString("N")[..10]),
            ["TerraFlow:Runner:TerraformPath"] = RepoPaths.TerraformStandIn,
            ["TerraFlow:CloneUrls:AllowLocalPaths"] = "true",
            ["TerraFlow:Runner:PollInterval"] = "00:00:00.200",
            ["TerraFlow:Engine:PollInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) values[k] = v;

        var args = values.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        var app = await TerraFlowApp.BuildAsync(args, b =>
        {
            services?.Invoke(b.Services);
            if (recorder is not null) b.Host.UseServiceProviderFactory(new RecorderDoubleFactory(recorder));
        });
        await app.StartAsync();
        return new ProvidersTestHost(app, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
