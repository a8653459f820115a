using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Runner.Workspace;

/// <summary>
/// Deletes the runner's stale job folders (see <see cref="WorkspaceFolders.Sweep"/>) at start and every
/// <see cref="RunnerOptions.WorkspaceSweepInterval"/>: clones left behind by a killed runner would otherwise fill the
/// disk. Folders of live jobs (this runner's, or another runner's on the same work directory) are left alone.
/// </summary>
public sealed class WorkspaceSweeper(RunnerOptions options, TimeProvider time, ILogger<WorkspaceSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            SweepOnce();
            try
            {
                await Task.Delay(options.WorkspaceSweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One sweep; returns the folders deleted.</summary>
    public IReadOnlyList<string> SweepOnce()
    {
        try
        {
            var deleted = WorkspaceFolders.Sweep(options.WorkDirectory, options.LongestJob, time.GetUtcNow());
            if (deleted.Count > 0)
                logger.LogInformation("Deleted {Count} stale job folders in {WorkDirectory}", deleted.Count, options.WorkDirectory);
            return deleted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Sweeping stale job folders in {WorkDirectory} failed; trying again later", options.WorkDirectory);
            return [];
        }
    }
}
