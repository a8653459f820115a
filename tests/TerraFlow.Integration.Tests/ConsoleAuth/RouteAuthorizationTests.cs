using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// The standalone host's whole route table: every route names a console policy or is marked deliberately anonymous
/// (so a new route without either fails here), and every protected route refuses an anonymous request: 401 under
/// /api, a redirect to the sign-in page elsewhere.
/// </summary>
public sealed partial class RouteAuthorizationTests : IAsyncLifetime
{
    private static readonly HashSet<string> Policies = [ConsolePolicies.SignedIn, ConsolePolicies.Operate, ConsolePolicies.Admin];
    private readonly FakeGitHubOptions _fake = new();
    private FakeGitHubServer _github = null!;
    private ApprovalTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(_fake);
        _host = await ApprovalTestHost.StartAsync(_github, _fake);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
    }

    private List<RouteEndpoint> Routes() =>
        _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static bool IsProtected(RouteEndpoint e) =>
        e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is { } p && Policies.Contains(p));

    private static bool IsAnonymous(RouteEndpoint e) => e.Metadata.GetMetadata<ConsoleAnonymousMetadata>() is not null;

    private static IReadOnlyList<string> Methods(RouteEndpoint e) => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    /// <summary>A concrete path for a route pattern: every parameter becomes a plausible value.</summary>
    private static string Sample(RouteEndpoint e) => Parameter().Replace("/" + e.RoutePattern.RawText!.TrimStart('/'), m => m.Groups[1].Value.Contains(":long") || m.Groups[1].Value.Contains(":int") ? "1" : "x1");

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex Parameter();

    [Fact]
    public void Every_route_requires_a_console_policy_or_is_marked_anonymous()
    {
        var routes = Routes();
        Assert.True(routes.Count >= 8, $"only {routes.Count} routes found: {string.Join(", ", routes.Select(r => r.RoutePattern.RawText))}");
        var unmarked = routes.Where(r => !IsProtected(r) && !IsAnonymous(r)).Select(r => $"{string.Join('|', Methods(r))} {r.RoutePattern.RawText}").ToList();
        Assert.True(unmarked.Count == 0, "routes with neither a console policy nor ConsoleAnonymousMetadata: " + string.Join(", ", unmarked));
        // A route cannot be both: that would be a contradiction nobody meant.
        Assert.DoesNotContain(routes, r => IsProtected(r) && IsAnonymous(r));
        // The deliberate exceptions are the ones the README names.
        var anonymous = routes.Where(IsAnonymous).Select(r => r.RoutePattern.RawText!).ToList();
        Assert.Contains("/api/health", anonymous);
        Assert.Contains("/api/oauth/{provider}/callback", anonymous);
        Assert.Contains("/api/sign-in", anonymous);
        Assert.Contains(anonymous, a => a.StartsWith("/api/webhooks", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.RoutePattern.RawText == "/api/runs/{id:long}" && IsProtected(r));
        Assert.Contains(routes, r => r.RoutePattern.RawText == "/api/console/runs/{id:long}" && IsProtected(r));
    }

    [Fact]
    public async Task Every_protected_route_refuses_anonymous_requests_with_401_or_a_sign_in_redirect()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var checkedRoutes = 0;
        foreach (var route in Routes().Where(IsProtected))
        foreach (var method in Methods(route))
        {
            var path = Sample(route);
            using var request = new HttpRequestMessage(new HttpMethod(method), _host.BaseUrl + path);
            if (method != "GET") request.Content = new FormUrlEncodedContent(new Dictionary<string, string>());
            using var response = await http.SendAsync(request);
            // Pages (the console, also under /api/console for the isolated worker) redirect; the JSON API answers 401.
            if (path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/api/console", StringComparison.Ordinal))
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}, expected 401");
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Found, $"{method} {path}: {(int)response.StatusCode}, expected 302");
                Assert.Equal("/api/sign-in?return=" + Uri.EscapeDataString(path), response.Headers.Location!.OriginalString);
            }
            checkedRoutes++;
        }
        Assert.True(checkedRoutes >= 3, $"only {checkedRoutes} protected routes were checked");
    }

    [Fact]
    public async Task A_bearer_token_without_an_API_token_scheme_is_not_a_session()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _host.BaseUrl + "/api/runs/1");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "tf_made_up");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
