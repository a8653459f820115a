using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Core.Vcs;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

/// <summary>Clones the head commit, reads the repository config (or autodiscovers) and finds the affected projects.</summary>
public sealed class DiscoverJobHandler(RunnerOptions options, VcsClients vcs, CloneUrlPolicy cloneUrls, ILogger<DiscoverJobHandler> logger) : IJobHandler
{
    public string Kind => JobKinds.Discover;

    public async Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var spec = lease.Spec;
        try
        {
            await using var sandbox = Sandboxes.Create(options, spec, masker);
            var credential = await CloneAuth.GetAsync(vcs, cloneUrls, spec, ct);
            await using var workspace = await GitWorkspace.CloneAsync(spec.CloneUrl, spec.HeadSha, credential, options, masker, sandbox, ct);
            // Every file discovery reads goes through this: inside the checkout only, bounded (see CheckoutFiles).
            var files = new CheckoutFiles(workspace.Root);
            var snapshot = new DirectorySnapshot(files, await workspace.TrackedFilesAsync(ct));
            var discovery = ProjectDiscovery.Discover(snapshot);
            if (discovery.Error is { } error)
                return Result(lease, new DiscoveryOutcome(false, error, null, [], []));

            var changed = await workspace.ChangedFilesAsync(await BaseShaAsync(spec, ct), spec.HeadSha, ct);
            var modules = discovery.Modules;
            var affected = AffectedProjects.Find(discovery.Projects, modules, changed.ToList());
            logger.LogInformation("Run {RunId}: {Changed} changed files affect {Affected} of {Total} projects",
                spec.RunId, changed.Count, affected.Count, discovery.Projects.Count);
            CodeOwnersFile? codeOwnersFile;
            try
            {
                codeOwnersFile = ReadCodeOwners(files, snapshot, spec);
            }
            catch (RepositoryFileRefusedException refused)
            {
                // Code owners decide approvers: a CODEOWNERS TerraFlow refuses to read must not silently count as none.
                return Result(lease, new DiscoveryOutcome(false, new ConfigError(refused.Path, null, null, "refused to read this file: " + refused.Reason), null, [], []));
            }
            var codeOwners = ProjectCodeOwners.Compute(codeOwnersFile, affected, modules, changed.ToList());
            return Result(lease, new DiscoveryOutcome(true, null, null, discovery.Projects, affected.Select(p => p.Name).ToList())
            {
                CodeOwners = codeOwners,
            });
        }
        catch (WorkspaceException ex)
        {
            return Result(lease, new DiscoveryOutcome(false, null, masker.Apply(ex.Message), [], []));
        }
    }

    /// <summary>
    /// The commit the pull request's changes are measured from. Some hosts' webhooks do not carry it (GitLab's merge
    /// request hooks name only the target branch); then the runner asks the host, which always knows it.
    /// </summary>
    private async Task<string> BaseShaAsync(JobSpec spec, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(spec.BaseSha) || spec.PullRequestNumber is not int number) return spec.BaseSha;
        var pr = await vcs.For(spec.Provider).GetPullRequestAsync(TerraFlow.Adapters.Postgres.DecisionWriter.Repo(spec), number, ct);
        return pr.BaseSha;
    }

    /// <summary>
    /// The head commit's CODEOWNERS (the first of the provider's locations), or null when there is none. Bad lines are
    /// skipped by the parser; an unreadable file counts as no file, with a warning. Read through
    /// <see cref="CheckoutFiles"/>: a symlink inside the checkout is followed, one leaving it (or a file larger than
    /// the hosts read) throws <see cref="RepositoryFileRefusedException"/>, which fails discovery with a config error.
    /// </summary>
    private CodeOwnersFile? ReadCodeOwners(CheckoutFiles files, DirectorySnapshot snapshot, JobSpec spec)
    {
        var runId = spec.RunId;
        var tracked = snapshot.Files.ToHashSet(StringComparer.Ordinal);
        var relative = CodeOwnersLocations.For(spec.Provider).FirstOrDefault(tracked.Contains);
        if (relative is null) return null;
        try
        {
            var file = CodeOwnersFile.Parse(files.ReadText(relative, CodeOwnersFile.MaxBytes));
            foreach (var problem in file.Problems)
                logger.LogInformation("Run {RunId}: {Path} line {Line} skipped: {Problem}", runId, relative, problem.Line, problem.Message);
            return file;
        }
        catch (Exception ex) when (ex is (IOException and not RepositoryFileRefusedException) or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Run {RunId}: could not read {Path}; continuing without code owners", runId, relative);
            return null;
        }
    }

    private static JobResult Result(JobLease lease, DiscoveryOutcome outcome) =>
        new(lease.JobId, lease.Spec.RunId, JobKinds.Discover, outcome, null);
}

internal static class CloneAuth
{
    /// <summary>
    /// The clone credential from the job's provider: its token (installation or configured token), presented the way
    /// that host wants it. First, as defence in depth (intake checked it already), the clone URL must pass
    /// <see cref="CloneUrlPolicy"/>: on the provider's configured host, else no token is fetched and nothing is
    /// cloned. Only https clones need (and may receive) a token; local paths and file:// (when allowed) never get it,
    /// and never ask for a client (so they work whatever providers are configured).
    /// </summary>
    public static async Task<CloneCredential?> GetAsync(VcsClients vcs, CloneUrlPolicy cloneUrls, JobSpec spec, CancellationToken ct)
    {
        if (cloneUrls.Refusal(spec.Provider, spec.CloneUrl, spec.RepoOwner, spec.RepoName) is { } refusal)
            throw new WorkspaceException("Refused to clone: " + refusal);
        if (!spec.CloneUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) return null;
        var token = await vcs.For(spec.Provider).GetCloneTokenAsync(new RepoRef(spec.RepoOwner, spec.RepoName, spec.InstallationId), ct);
        return token is null ? null : CloneCredentials.For(spec.Provider, token);
    }
}
