using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>
/// The real TerraFlow host (same wiring as production) with GitHub sign-in pointed at the fake, a public URL on a
/// known port (so the OAuth redirect_uri can be registered with the fake, as on GitHub), no engine or runner (these
/// tests are about the HTTP side), and <see cref="CountingApprovalRecorder"/> as the approval recorder.
/// </summary>
internal sealed class ApprovalTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApprovalTestHost(WebApplication app, string baseUrl, CountingApprovalRecorder recorder, string connectionString)
    {
        _app = app;
        BaseUrl = baseUrl;
        Recorder = recorder;
        ConnectionString = connectionString;
    }

    public string BaseUrl { get; }

    public CountingApprovalRecorder Recorder { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public ApprovalLinks Links => _app.Services.GetRequiredService<ApprovalLinks>();

    public static async Task<ApprovalTestHost> StartAsync(FakeGitHubServer github, FakeGitHubOptions fake, bool signInConfigured = true,
        string? connectionString = null, IDictionary<string, string>? settings = null)
    {
        connectionString ??= await PostgresTestCluster.Shared.CreateDatabaseAsync("approvals");
        var baseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var values = new Dictionary<string, string>
        {
            ["urls"] = baseUrl,
            ["ConnectionStrings:Postgres"] = connectionString,
            ["TerraFlow:PublicUrl"] = baseUrl,
            ["TerraFlow:GitHub:ApiUrl"] = github.ApiUrl,
            ["TerraFlow:CloneUrls:AllowLocalPaths"] = "true",
            ["TerraFlow:GitHub:Token"] = github.Token,
            ["TerraFlow:GitHub:WebhookSecret"] = TerraFlowTestHost.WebhookSecret,
            ["TerraFlow:ArtifactsPath"] = Path.Combine(Path.GetTempPath(), "terraflow-approvals-" + Guid.NewGuid().ToString("N")[..10]),
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (signInConfigured)
        {
            values["TerraFlow:GitHub:ClientId"] = fake.OAuthClientId!;
            values["TerraFlow:GitHub:ClientSecret"] = fake.OAuthClientSecret;
            fake.OAuthCallbackUrl = baseUrl + "/api/oauth/github/callback";
        }
        if (settings is not null)
            foreach (var (k, v) in settings) values[k] = v;

        var recorder = new CountingApprovalRecorder();
        var args = values.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        // The factory sees the finished service collection, so the double wins over any recorder the app registers.
        var app = await TerraFlowApp.BuildAsync(args, b => b.Host.UseServiceProviderFactory(new RecorderDoubleFactory(recorder)));
        await app.StartAsync();
        return new ApprovalTestHost(app, baseUrl, recorder, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
