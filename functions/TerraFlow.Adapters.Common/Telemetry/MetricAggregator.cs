using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// Listens to the TerraFlow meter and keeps count / sum / min / max per instrument and tag set until the next flush,
/// the pre-aggregated shape Application Insights stores (one item per series per interval, not one per event).
/// </summary>
internal sealed class MetricAggregator : IDisposable
{
    private readonly MeterListener _listener = new();
    private ConcurrentDictionary<SeriesKey, Series> _series = new();

    public MetricAggregator()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TerraFlowTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    /// <summary>Takes everything recorded since the last call.</summary>
    public IReadOnlyCollection<(string Name, KeyValuePair<string, object?>[] Tags, Series Values)> Drain()
    {
        var taken = Interlocked.Exchange(ref _series, new ConcurrentDictionary<SeriesKey, Series>());
        return taken.Select(kv => (kv.Key.Name, kv.Value.Tags, kv.Value)).ToList();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tagArray = tags.ToArray();
        var key = new SeriesKey(instrument.Name, string.Join(';', tagArray.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")));
        _series.GetOrAdd(key, _ => new Series(tagArray)).Add(value);
    }

    public void Dispose() => _listener.Dispose();

    private sealed record SeriesKey(string Name, string Tags);

    internal sealed class Series(KeyValuePair<string, object?>[] tags)
    {
        private readonly Lock _gate = new();
        public KeyValuePair<string, object?>[] Tags { get; } = tags;
        public long Count { get; private set; }
        public double Sum { get; private set; }
        public double Min { get; private set; } = double.MaxValue;
        public double Max { get; private set; } = double.MinValue;

        public void Add(double value)
        {
            lock (_gate)
            {
                Count++;
                Sum += value;
                Min = Math.Min(Min, value);
                Max = Math.Max(Max, value);
            }
        }
    }
}
