using System.Collections.Concurrent;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>An <see cref="IDriftReporter"/> that keeps every result it is handed (through the outbox), in order.</summary>
public sealed class RecordingDriftReporter : IDriftReporter
{
    private readonly ConcurrentQueue<DriftCheckResult> _results = new();

    public IReadOnlyList<DriftCheckResult> Results => _results.ToArray();

    public IReadOnlyList<DriftCheckResult> For(string project) => _results.Where(r => r.Project.Name == project).ToList();

    public Task ReportAsync(DriftCheckResult result, CancellationToken ct)
    {
        _results.Enqueue(result);
        return Task.CompletedTask;
    }
}
