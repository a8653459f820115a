using Microsoft.Extensions.Logging;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Core.Vcs;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

/// <summary>Clones the head commit, reads the repository config (or autodiscovers) and finds the affected projects.</summary>
public sealed class DiscoverJobHandler(RunnerOptions options, IVcsClient vcs, ILogger<DiscoverJobHandler> logger) : IJobHandler
{
    public string Kind => JobKinds.Discover;

    public async Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var spec = lease.Spec;
        try
        {
            var token = await CloneToken.GetAsync(vcs, spec, ct);
            await using var workspace = await GitWorkspace.CloneAsync(spec.CloneUrl, spec.HeadSha, token, options, masker, ct);
            var snapshot = new DirectorySnapshot(workspace.Root, await workspace.TrackedFilesAsync(ct));
            var discovery = ProjectDiscovery.Discover(snapshot);
            if (discovery.Error is { } error)
                return Result(lease, new DiscoveryOutcome(false, error, null, [], []));

            var changed = await workspace.ChangedFilesAsync(spec.BaseSha, spec.HeadSha, ct);
            var affected = AffectedProjects.Find(discovery.Projects, ModuleGraph.Build(snapshot), changed.ToList());
            logger.LogInformation("Run {RunId}: {Changed} changed files affect {Affected} of {Total} projects",
                spec.RunId, changed.Count, affected.Count, discovery.Projects.Count);
            return Result(lease, new DiscoveryOutcome(true, null, null, discovery.Projects, affected.Select(p => p.Name).ToList()));
        }
        catch (WorkspaceException ex)
        {
            return Result(lease, new DiscoveryOutcome(false, null, masker.Apply(ex.Message), [], []));
        }
    }

    private static JobResult Result(JobLease lease, DiscoveryOutcome outcome) =>
        new(lease.JobId, lease.Spec.RunId, JobKinds.Discover, outcome, null);
}

internal static class CloneToken
{
    /// <summary>Only https clones need (and may receive) the VCS token; local paths and file:// never get it.</summary>
    public static async Task<string?> GetAsync(IVcsClient vcs, JobSpec spec, CancellationToken ct) =>
        spec.CloneUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? await vcs.GetCloneTokenAsync(new RepoRef(spec.RepoOwner, spec.RepoName, spec.InstallationId), ct)
            : null;
}
