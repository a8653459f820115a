using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.CustomWorkflows;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Core.Vcs;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// Clones the head commit, reads its projects (<c>.terraflow.yml</c> or autodiscovery) and finds the affected ones.
/// The rules those projects carry (apply, approvals, locks, policies, CODEOWNERS) come from the base commit, see
/// <see cref="RuleMerge"/>; the head may set only the keys the operator allows for the repository.
/// </summary>
public sealed class DiscoverJobHandler(RunnerOptions options, VcsClients vcs, CloneUrlPolicy cloneUrls, ILogger<DiscoverJobHandler> logger, RepoConfigOptions? repoConfig = null, CustomWorkflowOptions? workflows = null) : IJobHandler
{
    private readonly RepoConfigOptions _repoConfig = repoConfig ?? new RepoConfigOptions();
    private readonly CustomWorkflowOptions _workflows = workflows ?? new CustomWorkflowOptions();

    public string Kind => JobKinds.Discover;

    /// <summary>
    /// Runs discovery under <see cref="RunnerOptions.DiscoverTimeout"/>. A discovery that runs out of time (a
    /// pathological repository) is reported as a failure with that reason, so it is not retried; the runner stopping
    /// or the lease being lost still cancels it as before.
    /// </summary>
    public async Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.DiscoverTimeout);
        try
        {
            // The CPU-bound steps check the token in their loops; WaitAsync also frees the job if one does not.
            return await Task.Run(() => DiscoverAsync(lease, masker, timeout.Token), timeout.Token).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            logger.LogWarning("Run {RunId}: discovery stopped after {Timeout}", lease.Spec.RunId, options.DiscoverTimeout);
            return Result(lease, new DiscoveryOutcome(false, null,
                $"finding the affected projects took longer than the limit of {options.DiscoverTimeout} (TerraFlow__Runner__DiscoverTimeout) and was stopped; " +
                "check .terraflow.yml (when_modified patterns) and CODEOWNERS for unusually large or complex entries", [], []));
        }
    }

    private async Task<JobResult> DiscoverAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
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

            var baseSha = await BaseCommit.ResolveAsync(vcs, spec, ct);
            if (string.IsNullOrEmpty(baseSha))
                return Result(lease, new DiscoveryOutcome(false, null, "The pull request's base commit is unknown, so the rules it is judged by cannot be read; nothing was planned.", [], []));
            // Fetches the base commit too (same credential), so its rule files can be read below.
            var changed = (await workspace.ChangedFilesAsync(baseSha, spec.HeadSha, ct)).ToList();
            var baseFiles = new CommitFiles(workspace, baseSha);
            var (baseConfig, baseError) = await BaseRuleFiles.ReadConfigAsync(baseFiles, ct);
            if (baseError is not null)
                return Result(lease, new DiscoveryOutcome(false, baseError, null, [], []));

            var allowed = _repoConfig.KeysFor(spec.RepoOwner, spec.RepoName);
            var merged = RuleMerge.Merge(discovery.Projects, baseConfig, allowed, baseSha, spec.HeadSha);
            foreach (var ignored in merged.Ignored)
                logger.LogInformation("Run {RunId}: project {Project} uses the base branch's {Keys}; the head's values are ignored", spec.RunId, ignored.Project, string.Join(", ", ignored.Keys));

            // Custom workflows are rules too (base branch only), and run nothing unless the operator allows the repository.
            var resolution = WorkflowRules.Resolve(merged.Projects, baseConfig, HeadConfig(snapshot, discovery),
                _workflows.IsAllowed(spec.RepoOwner, spec.RepoName));
            if (resolution.Refusal is { } refusal)
                return Result(lease, new DiscoveryOutcome(false, null, refusal, [], []));
            merged = new MergedRules(resolution.Projects, MergeIgnored(merged.Ignored, resolution.Ignored));

            var modules = discovery.Modules;
            var affected = AffectedProjects.Find(merged.Projects, modules, changed, ct);
            logger.LogInformation("Run {RunId}: {Changed} changed files affect {Affected} of {Total} projects",
                spec.RunId, changed.Count, affected.Count, merged.Projects.Count);
            var codeOwnersLocations = vcs.Hosts.CodeOwnersLocations(StoredProvider.Of(spec.Provider));
            var (codeOwnersFile, ownersRefused) = await BaseRuleFiles.ReadCodeOwnersAsync(baseFiles, codeOwnersLocations, spec.RunId, logger, ct);
            if (ownersRefused is not null)
                return Result(lease, new DiscoveryOutcome(false, ownersRefused, null, merged.Projects, []));
            var codeOwners = ProjectCodeOwners.Compute(codeOwnersFile, affected, modules, changed, ct);
            var policyPaths = discovery.Projects.Concat(merged.Projects).SelectMany(p => p.PolicyPaths).Distinct(StringComparer.Ordinal).ToList();
            var notice = ConfigNotices.Join(
                RuleChangeNotice.Build(changed, codeOwnersLocations, policyPaths, merged.Ignored, baseSha, allowed),
                discovery.Notices);
            var fingerprints = await FingerprintsAsync(workspace, affected, modules, ct);
            return Result(lease, new DiscoveryOutcome(true, null, null, merged.Projects, affected.Select(p => p.Name).ToList())
            {
                CodeOwners = codeOwners,
                RuleNotice = notice,
                Fingerprints = fingerprints,
                BaseSha = baseSha,
            });
        }
        catch (WorkspaceException ex)
        {
            return Result(lease, new DiscoveryOutcome(false, null, masker.Apply(ex.Message), [], []));
        }
    }

    /// <summary>
    /// Input fingerprints of the affected projects at the head (smart re-plans): a project with the same fingerprint
    /// and base as an earlier plan keeps that plan. The default engine is part of it: a runner that would pick another
    /// engine must plan again.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> FingerprintsAsync(GitWorkspace workspace, IReadOnlyList<ProjectDefinition> affected, ModuleGraph modules, CancellationToken ct)
    {
        var blobs = await workspace.TrackedBlobsAsync(ct);
        var environment = "default-engine=" + options.DefaultEngine;
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in affected)
        {
            ct.ThrowIfCancellationRequested();
            if (ProjectFingerprint.Compute(project, modules, blobs, RepositoryConfigFiles.AllNames, environment) is { } fingerprint)
                fingerprints[project.Name] = fingerprint;
        }
        return fingerprints;
    }

    /// <summary>The head's parsed configuration (discovery already parsed it successfully), or null without one.</summary>
    private static RepoConfig? HeadConfig(IRepositorySnapshot snapshot, DiscoveryResult discovery) =>
        discovery.ConfigFile is { } file && RepoConfigParser.Parse(file, snapshot.ReadAllText(file)) is { IsSuccess: true } parsed
            ? parsed.Config
            : null;

    /// <summary>One entry per project: the rule keys and the workflow key the head set differently from the base.</summary>
    private static List<IgnoredRule> MergeIgnored(IReadOnlyList<IgnoredRule> rules, IReadOnlyList<IgnoredRule> workflows) =>
        rules.Concat(workflows)
            .GroupBy(i => i.Project, StringComparer.Ordinal)
            .Select(g => new IgnoredRule(g.Key, g.SelectMany(i => i.Keys).ToList()))
            .ToList();

    private static JobResult Result(JobLease lease, DiscoveryOutcome outcome) =>
        new(lease.JobId, lease.Spec.RunId, JobKinds.Discover, outcome, null);
}

internal static class BaseCommit
{
    /// <summary>
    /// The commit the pull request's changes are measured from, and whose rules apply. Some hosts' webhooks do not
    /// carry it (GitLab's merge request hooks name only the target branch); then the runner asks the host, which
    /// always knows it. "" when unknown.
    /// </summary>
    public static async Task<string> ResolveAsync(VcsClients vcs, JobSpec spec, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(spec.BaseSha) || spec.PullRequestNumber is not int number) return spec.BaseSha;
        var pr = await vcs.For(StoredProvider.Of(spec.Provider)).GetPullRequestAsync(new RepoRef(spec.RepoOwner, spec.RepoName, spec.InstallationId), number, ct);
        return pr.BaseSha;
    }
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
        var provider = StoredProvider.Of(spec.Provider);
        if (cloneUrls.Refusal(provider, spec.CloneUrl, spec.RepoOwner, spec.RepoName) is { } refusal)
            throw new WorkspaceException("Refused to clone: " + refusal);
        if (!spec.CloneUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) return null;
        var token = await vcs.For(provider).GetCloneTokenAsync(new RepoRef(spec.RepoOwner, spec.RepoName, spec.InstallationId), ct);
        return token is null ? null : vcs.Hosts.CloneCredential(provider, token);
    }
}
