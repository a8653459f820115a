using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Functions.CustomHandler;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.CustomHandler;

/// <summary>
/// Every route the real app maps has a function (so the Functions host forwards it), every function has a route,
/// with the same methods. A new endpoint without a registry entry fails here instead of 404-ing in Azure.
/// </summary>
public sealed class HandlerRouteRegistryTests
{
    [Fact]
    public async Task Every_mapped_route_has_a_function_and_every_function_a_route()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("routes");
        await using var host = await TerraFlowTestHost.StartAsync(db, github, settings: new Dictionary<string, string> { [CustomHandlerEndpoints.EnableSetting] = "true" });

        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m.ToUpperInvariant()} {e.RoutePattern.RawText}"))
            .Order().ToList();

        var declared = FunctionRegistry.HttpFunctions
            .SelectMany(f => f.Trigger.Methods.Select(m => $"{m.ToUpperInvariant()} {f.Trigger.AppRoute}"))
            .Concat(FunctionRegistry.InvokedFunctions.Select(f => $"POST /{f.Name}"))
            .Order().ToList();

        Assert.Equal(declared, mapped);
        Assert.Contains("POST /api/webhooks/{provider}", mapped); // the comparison above is over real routes (every VCS host's webhooks)
    }

    [Fact]
    public void Registry_names_are_unique_folder_names()
    {
        var names = FunctionRegistry.All.Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, n => Assert.Matches("^[A-Za-z][A-Za-z0-9_-]{0,126}$", n));
    }
}
