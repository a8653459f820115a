using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Integration.Tests.Telemetry;

/// <summary>
/// Stands in for Application Insights ingestion on 127.0.0.1: accepts <c>POST /v2.1/track</c> (gzip or plain, one
/// envelope per line as the Azure Monitor exporter sends them, or a JSON array), keeps every envelope for assertions
/// and answers 200 with the <c>itemsReceived</c> / <c>itemsAccepted</c> / <c>errors</c> body the real endpoint returns.
/// </summary>
public sealed class FakeIngestionEndpoint : IAsyncDisposable
{
    public const string InstrumentationKey = "00000000-1111-2222-3333-444444444444";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonElement> _items = new();
    private readonly ConcurrentQueue<string> _bodies = new();

    private FakeIngestionEndpoint(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={Url}/";

    public IReadOnlyList<JsonElement> Items => _items.ToArray();

    /// <summary>Posts that came gzip-compressed (the exporter 1.10 was seen sending plain newline-delimited JSON).</summary>
    public int GzipPosts => _gzipPosts;

    private int _gzipPosts;

    /// <summary>Every posted body as text (decompressed), for checks that no secret was sent at all.</summary>
    public string RawBodies => string.Join('\n', _bodies);

    public static async Task<FakeIngestionEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeIngestionEndpoint(app);
        // The stand-in runs in the test process, where a TerraFlow host's ASP.NET Core instrumentation also sees its
        // requests; the real endpoint is elsewhere, so its requests must not come back as telemetry of their own.
        app.Use((http, next) =>
        {
            if (System.Diagnostics.Activity.Current is { } a) a.ActivityTraceFlags &= ~System.Diagnostics.ActivityTraceFlags.Recorded;
            return next(http);
        });
        app.MapPost("/v2.1/track", (Func<HttpContext, Task<IResult>>)fake.TrackAsync);
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task<IResult> TrackAsync(HttpContext http)
    {
        Stream body = http.Request.Body;
        if (http.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
            Interlocked.Increment(ref _gzipPosts);
        }
        using var reader = new StreamReader(body);
        var text = (await reader.ReadToEndAsync()).Trim();
        _bodies.Enqueue(text);
        var count = 0;
        if (text.StartsWith('['))
        {
            foreach (var item in JsonDocument.Parse(text).RootElement.EnumerateArray()) { _items.Enqueue(item.Clone()); count++; }
        }
        else
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) { _items.Enqueue(JsonDocument.Parse(line).RootElement.Clone()); count++; }
        }
        return Results.Json(new { itemsReceived = count, itemsAccepted = count, errors = Array.Empty<object>() });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
