using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Functions;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>
/// The real TerraFlow host (same wiring as <c>dotnet run</c>) on a loopback port, against a test database, a fake
/// GitHub API and the Terraform stand-in. Stop it and start another on the same database to test crash recovery.
/// </summary>
public sealed class TerraFlowTestHost : IAsyncDisposable
{
    public const string WebhookSecret = "It's a Secret to Everybody";

    private readonly WebApplication _app;

    private TerraFlowTestHost(WebApplication app, string baseUrl, string artifactsPath)
    {
        _app = app;
        BaseUrl = baseUrl;
        ArtifactsPath = artifactsPath;
    }

    public string BaseUrl { get; }

    public string ArtifactsPath { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TerraFlowTestHost> StartAsync(string connectionString, FakeGitHubServer github, string? artifactsPath = null, IDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        artifactsPath ??= Path.Combine(Path.GetTempPath(), "terraflow-artifacts-" + Guid.NewGuid().ToString("N")[..10]);
        // The pull requests these tests open are the real payloads' (author "Codertocat", the repository's owner there):
        // an author with write access, whose pushes TerraFlow plans automatically. Tests of untrusted authors set
        // a lower permission on their repository, which wins over this.
        github.SetPermissionOnEveryRepository(GitHubWebhooks.PayloadAuthor, "write");
        var values = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["TerraFlow:GitHub:ApiUrl"] = github.ApiUrl,
            ["TerraFlow:GitHub:Token"] = github.Token,
            ["TerraFlow:GitHub:WebhookSecret"] = WebhookSecret,
            ["TerraFlow:ArtifactsPath"] = artifactsPath,
            ["TerraFlow:Runner:TerraformPath"] = RepoPaths.TerraformStandIn,
            // Test repositories are local git folders (they never get a token).
            ["TerraFlow:CloneUrls:AllowLocalPaths"] = "true",
            ["TerraFlow:Runner:PollInterval"] = "00:00:00.200",
            ["TerraFlow:Engine:PollInterval"] = "00:00:00.200",
            ["TerraFlow:Engine:LeaseSweepInterval"] = "00:00:00.500",
            ["Logging:LogLevel:Default"] = "Warning",
            ["TerraFlow:Auth:Admins"] = "github:" + TestAdmin,
            // Off unless a test asks for it (DriftTestBed does): the first sight of a repository queues drift's
            // configuration read, a run and a job of their own, at the drift loop's next tick (every 15 s), so a test
            // that counts runs or jobs would see them or not depending on how slow the machine is.
            ["TerraFlow:Drift:ConfigRefreshInterval"] = "00:00:00",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) values[k] = v;

        var args = values.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        // services: registrations that win over the defaults (e.g. a Service Bus broker double's client).
        var app = await TerraFlowApp.BuildAsync(args, services is null ? null : b => services(b.Services));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TerraFlowTestHost(app, address, artifactsPath);
    }

    /// <summary>The GitHub login the test host makes an admin (TerraFlow:Auth:Admins), for <see cref="ConsoleClientAsync"/>.</summary>
    public const string TestAdmin = "terraflow-test-admin";

    /// <summary>An HTTP client signed in to the console as <see cref="TestAdmin"/> (a real session cookie of this host).</summary>
    public Task<HttpClient> ConsoleClientAsync() =>
        ConsoleClientAsync(new TerraFlow.Application.Access.ConsoleUser("github", TestAdmin, TestAdmin, TerraFlow.Application.Access.ConsoleRole.Admin, []));

    /// <summary>
    /// An HTTP client signed in to the console as <paramref name="user"/> (a real session cookie of this host; the role
    /// comes from the host's lists, as at sign-in). It also sends the session's anti-forgery header
    /// (<c>X-TerraFlow-CSRF</c>), as the console's forms do, so its POSTs pass the check.
    /// </summary>
    public async Task<HttpClient> ConsoleClientAsync(TerraFlow.Application.Access.ConsoleUser user)
    {
        var (cookie, _) = await _app.Services.GetRequiredService<TerraFlow.Functions.Console.ConsoleSessions>().StartAsync(user, CancellationToken.None);
        var client = new HttpClient();
        client.DefaultRequestHeaders.Add("Cookie", TerraFlow.Functions.Console.ConsoleSessions.CookieName + "=" + cookie);
        client.DefaultRequestHeaders.Add(TerraFlow.Functions.Console.ConsoleAntiForgery.HeaderName, AntiForgeryToken(cookie));
        return client;
    }

    /// <summary>The anti-forgery token the console's forms carry for the session of <paramref name="cookie"/>.</summary>
    public string AntiForgeryToken(string cookie)
    {
        var keys = _app.Services.GetRequiredService<TerraFlow.Functions.Approvals.ApprovalSigningKeys>().Current;
        var ticket = TerraFlow.Functions.Console.ConsoleSessionTicket.Open(cookie, keys.ConsoleSessionKey, DateTimeOffset.UtcNow)
                     ?? throw new InvalidOperationException("not a session cookie of this host");
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = _app.Services };
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(TerraFlow.Functions.Console.ConsoleSessions.SessionIdClaim, ticket.SessionId)], "test"));
        return TerraFlow.Functions.Console.ConsoleAntiForgery.TokenFor(http)!;
    }

    /// <summary>A session cookie of this host for <paramref name="user"/> (for a browser context).</summary>
    public async Task<string> SessionCookieAsync(TerraFlow.Application.Access.ConsoleUser user) =>
        (await _app.Services.GetRequiredService<TerraFlow.Functions.Console.ConsoleSessions>().StartAsync(user, CancellationToken.None)).Cookie;

    public NpgsqlDataSource Database => _app.Services.GetRequiredService<NpgsqlDataSource>();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
