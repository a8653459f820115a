using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// Sends TerraFlow's traces and metrics to Application Insights without the SDK: finished activities of the
/// TerraFlow source, ASP.NET Core (requests), HttpClient (GitHub, Service Bus, Blob) and Npgsql become requests and
/// dependencies; the TerraFlow meter becomes aggregated metrics. Items are batched and posted gzip-compressed to
/// <c>/v2.1/track</c> every <see cref="TelemetryOptions.FlushInterval"/>; a failed post is logged and dropped.
/// </summary>
public sealed class AppInsightsExporter : BackgroundService
{
    /// <summary>The activity sources exported. Npgsql items are kept only inside a request or job (see below).</summary>
    public static readonly string[] Sources = [TerraFlowTelemetry.Name, "Microsoft.AspNetCore", "System.Net.Http", "Npgsql"];

    private const int MaxItemsPerPost = 500;

    private readonly AppInsightsConnectionString _connection;
    private readonly TelemetryOptions _options;
    private readonly ILogger<AppInsightsExporter> _logger;
    private readonly TelemetryEnvelope _envelope;
    private readonly ConcurrentQueue<byte[]> _items = new();
    private readonly ActivityListener _activities;
    private readonly MetricAggregator _metrics = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _count;

    public AppInsightsExporter(AppInsightsConnectionString connection, TelemetryOptions options, string roleName, ILogger<AppInsightsExporter> logger)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
        _envelope = new TelemetryEnvelope(connection.InstrumentationKey, options.RoleName ?? roleName, Environment.MachineName, options.GitHubAuthority);
        _activities = new ActivityListener
        {
            ShouldListenTo = s => Sources.Contains(s.Name),
            // Idle polls of the queue and engine loops are thousands of queries an hour that explain nothing:
            // Npgsql activities are only created inside a request or a job, the ones an operator follows.
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Source.Name == "Npgsql" && o.Parent == default ? ActivitySamplingResult.None : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>Items sent so far (tests and diagnostics).</summary>
    public long Sent { get; private set; }

    private void OnStopped(Activity activity)
    {
        try
        {
            // Our own posts to the ingestion endpoint would otherwise report themselves, forever.
            if (activity.Source.Name == "System.Net.Http" && IsIngestionCall(activity)) return;
            Enqueue(_envelope.FromActivity(activity));
            foreach (var e in activity.Events.Where(e => e.Name == "exception"))
            {
                var tags = e.Tags.ToDictionary(t => t.Key, t => t.Value?.ToString());
                Enqueue(_envelope.FromException(activity, tags.GetValueOrDefault("exception.type") ?? "Exception",
                    tags.GetValueOrDefault("exception.message") ?? "", tags.GetValueOrDefault("exception.stacktrace")));
            }
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Telemetry item for {Activity} dropped", activity.DisplayName);
        }
    }

    private bool IsIngestionCall(Activity activity) =>
        string.Equals(TelemetryEnvelope.Tag(activity, "server.address"), _connection.IngestionEndpoint.Host, StringComparison.OrdinalIgnoreCase)
        && TelemetryEnvelope.Tag(activity, "server.port") is var port && (port is null || port == _connection.IngestionEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void Enqueue(byte[] item)
    {
        if (Interlocked.Increment(ref _count) > _options.MaxBufferedItems)
        {
            Interlocked.Decrement(ref _count);
            return;
        }
        _items.Enqueue(item);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Whatever happened since the last tick still goes out on a clean shutdown.
        await FlushAsync(cancellationToken);
    }

    /// <summary>Sends buffered items and the metrics aggregated since the last flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        foreach (var (name, tags, s) in _metrics.Drain())
            Enqueue(_envelope.FromMetric(name, tags, s.Count, s.Sum, s.Min, s.Max, now));

        while (!_items.IsEmpty)
        {
            var batch = new List<byte[]>(MaxItemsPerPost);
            while (batch.Count < MaxItemsPerPost && _items.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref _count);
                batch.Add(item);
            }
            await PostAsync(batch, ct);
        }
    }

    private async Task PostAsync(List<byte[]> batch, CancellationToken ct)
    {
        using var body = new MemoryStream();
        using (var gzip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.WriteByte((byte)'[');
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0) gzip.WriteByte((byte)',');
                gzip.Write(batch[i]);
            }
            gzip.WriteByte((byte)']');
        }
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-json-stream");
        content.Headers.ContentEncoding.Add("gzip");
        try
        {
            // Export outside any request's trace, so the post is not a child of whatever happens to be current.
            var previous = Activity.Current;
            Activity.Current = null;
            Task<HttpResponseMessage> send;
            try { send = _http.PostAsync(_connection.TrackUri, content, ct); }
            finally { Activity.Current = previous; }
            using var response = await send;
            if (response.IsSuccessStatusCode) Sent += batch.Count;
            else _logger.LogWarning("Application Insights refused {Count} telemetry items: HTTP {Status}", batch.Count, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _logger.LogWarning("Sending {Count} telemetry items to Application Insights failed: {Error}", batch.Count, ex.Message);
        }
    }

    public override void Dispose()
    {
        _activities.Dispose();
        _metrics.Dispose();
        _http.Dispose();
        base.Dispose();
    }
}
