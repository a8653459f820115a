using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Testing;

/// <summary>
/// Starts the minimal Kestrel app every stand-in server runs on: 127.0.0.1 only, a port the OS picks (bound, then read
/// back, so two test processes never race for it), no logging, every request to one handler.
/// </summary>
public static class LoopbackApp
{
    /// <returns>The started app and its root URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</returns>
    public static async Task<(WebApplication App, string Address)> StartAsync(RequestDelegate handler, CancellationToken ct, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return (app, address);
    }
}
