using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TerraFlow.Functions;
using TerraFlow.Testing;
using TerraFlow.Testing.FakeEntra;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Entra;

/// <summary>
/// The real TerraFlow host (production wiring, real PostgreSQL) with Entra ID sign-in pointed at a
/// <see cref="FakeEntraServer"/> through the <c>Instance</c> setting, on a known port so the redirect URI can be
/// registered with the fake; no engine or runner. Every log line of the host is captured (<see cref="Logs"/>).
/// </summary>
internal sealed class EntraTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EntraTestHost(WebApplication app, string baseUrl, string connectionString, LogCapture logs)
    {
        _app = app;
        BaseUrl = baseUrl;
        ConnectionString = connectionString;
        Logs = logs;
    }

    public string BaseUrl { get; }

    public string ConnectionString { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="secret">False: no client secret; the federated credential (managed identity) is used.</param>
    public static async Task<EntraTestHost> StartAsync(FakeEntraServer entra, IDictionary<string, string>? settings = null, bool secret = true,
        Action<IServiceCollection>? services = null)
    {
        var connectionString = await PostgresTestCluster.Shared.CreateDatabaseAsync("entra");
        var baseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var values = new Dictionary<string, string>
        {
            ["urls"] = baseUrl,
            ["ConnectionStrings:Postgres"] = connectionString,
            ["TerraFlow:PublicUrl"] = baseUrl,
            ["TerraFlow:ArtifactsPath"] = Path.Combine(Path.GetTempPath(), "terraflow-entra-" + Guid.NewGuid().ToString("N")[..10]),
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
            ["TerraFlow:Auth:Entra:TenantId"] = entra.Options.TenantId,
            ["TerraFlow:Auth:Entra:ClientId"] = entra.Options.ClientId,
            ["TerraFlow:Auth:Entra:Instance"] = entra.Instance,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (secret) values["TerraFlow:Auth:Entra:ClientSecret"] = entra.Options.ClientSecret!;
        else values["TerraFlow:Auth:Entra:ManagedIdentityClientId"] = "7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9";
        if (settings is not null)
            foreach (var (k, v) in settings) values[k] = v;
        entra.Options.RedirectUri = baseUrl + "/api/auth/entra/callback";

        var logs = new LogCapture();
        var args = values.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        var app = await TerraFlowApp.BuildAsync(args, b =>
        {
            b.Logging.AddProvider(logs);
            b.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
            services?.Invoke(b.Services);
        });
        await app.StartAsync();
        return new EntraTestHost(app, baseUrl, connectionString, logs);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}

/// <summary>Every log message the host writes, at every level, with its exception text.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
