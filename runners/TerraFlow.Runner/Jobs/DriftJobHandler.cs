using System.Text;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// A drift check: clone the default branch's head (same clone, credentials, sandbox and masking as a pull request's
/// plan), read its drift configuration, and for the job's project run <c>terraform init</c> and
/// <c>terraform plan -detailed-exitcode</c> with refresh on: exit 2 = drifted, 0 = clean, anything else (or a timeout)
/// = failed. Never applies: no plan file is kept, and the apply handler refuses any job without a pull request.
/// </summary>
public sealed class DriftJobHandler(RunnerOptions options, VcsClients vcs, CloneUrlPolicy cloneUrls, IArtifactStore artifacts, ILogger<DriftJobHandler> logger) : IJobHandler
{
    private const string PlanFileName = "terraflow-drift.tfplan";

    /// <summary>The plan text handed to reporters is cut to this many characters (the full log is an artifact).</summary>
    public const int MaxPlanTextCharacters = 60_000;

    public string Kind => JobKinds.Drift;

    public async Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var spec = lease.Spec;
        DriftOutcome outcome;
        try
        {
            await using var sandbox = Sandboxes.Create(options, spec, masker);
            var credential = await CloneAuth.GetAsync(vcs, cloneUrls, spec, ct);
            await using var workspace = await GitWorkspace.CloneAsync(spec.CloneUrl, spec.HeadSha, credential, options, masker, sandbox, ct);
            var files = new CheckoutFiles(workspace.Root);
            var discovery = ProjectDiscovery.Discover(new DirectorySnapshot(files, await workspace.TrackedFilesAsync(ct)));
            var config = discovery.Error is { } error
                ? new DriftConfigReport(error, [])
                : new DriftConfigReport(null, discovery.Projects.Select(p => new DriftProjectConfig(p.Name, p.Dir, p.Workspace, p.Drift)).ToList());
            if (spec.Project is not { } wanted)
                outcome = new DriftOutcome(workspace.Commit, null, DriftState.Never, null, null, config);
            else if (discovery.Error is not null)
                outcome = Failed(workspace.Commit, wanted.Name, $"The default branch's configuration has an error, so the project cannot be planned: {discovery.Error}", config);
            else if (discovery.Projects.FirstOrDefault(p => p.Name == wanted.Name) is not { } project)
                outcome = Failed(workspace.Commit, wanted.Name, $"The default branch (at {Short(workspace.Commit)}) has no project named '{wanted.Name}'.", config);
            else
                outcome = await CheckAsync(lease, project, workspace, sandbox, masker, config, ct);
        }
        catch (WorkspaceException ex)
        {
            outcome = Failed(null, spec.Project?.Name, masker.Apply(ex.Message), null);
        }
        logger.LogInformation("Run {RunId}: drift check of {Project}: {State}", spec.RunId, spec.Project?.Name ?? "(configuration)", outcome.State);
        return new JobResult(lease.JobId, spec.RunId, JobKinds.Drift, null, null) { Drift = outcome };
    }

    private async Task<DriftOutcome> CheckAsync(JobLease lease, ProjectDefinition project, GitWorkspace workspace, JobSandbox sandbox,
        SecretMasker masker, DriftConfigReport config, CancellationToken ct)
    {
        var commit = workspace.Commit;
        await workspace.RefuseSymlinksLeavingCheckoutAsync(ct);
        var dir = ProjectPaths.Resolve(workspace.Root, project.Dir);
        if (!Directory.Exists(dir)) return Failed(commit, project.Name, "The project directory does not exist at the default branch's head.", config);
        var (engine, engineProblem) = await EngineSelection.ResolveAsync(options, project, sandbox, workspace.Root, ct);
        if (engine is null) return Failed(commit, project.Name, engineProblem!, config);

        var steps = new TerraformSteps(options, engine, dir, project.Workspace, masker, sandbox);
        var logKey = ArtifactKeys.For(lease.Spec.RunId, project.Name, lease.JobId, lease.Attempt).Log;
        try
        {
            var planTimeout = ProjectTimeouts.Plan(options, project);
            var init = await steps.RunAsync(["init", "-input=false", "-no-color"], options.InitTimeout, ct);
            if (init.ExitCode != 0) return Failed(commit, project.Name, steps.Failure("init", init, options.InitTimeout), config) with { Log = logKey };

            // Refresh on (the default, said explicitly): drift is what the refresh finds. 0 = clean, 2 = changes, else failed.
            var plan = await steps.RunAsync(["plan", "-input=false", "-no-color", "-refresh=true", "-detailed-exitcode", "-out=" + PlanFileName], planTimeout, ct);
            if (plan.TimedOut || plan.ExitCode is not (0 or 2))
                return Failed(commit, project.Name, steps.Failure("plan", plan, planTimeout), config) with { Log = logKey };
            var state = plan.ExitCode == 2 ? DriftState.Drifted : DriftState.Clean;

            var json = await steps.RunAsync(["show", "-json", PlanFileName], planTimeout, ct);
            if (json.ExitCode != 0) return Failed(commit, project.Name, steps.Failure("show -json", json, planTimeout), config) with { Log = logKey };
            var text = await steps.RunAsync(["show", "-no-color", PlanFileName], planTimeout, ct);
            PlanSummary summary;
            try
            {
                summary = PlanReader.Read(Encoding.UTF8.GetBytes(steps.Mask(json.StandardOutput)));
            }
            catch (PlanFormatException ex)
            {
                return Failed(commit, project.Name, "terraform show -json returned a plan TerraFlow cannot read: " + ex.Message, config) with { Log = logKey };
            }
            var planText = text.ExitCode == 0 ? Truncate(steps.Mask(text.StandardOutput)) : null;
            return new DriftOutcome(commit, project.Name, state, summary, null, config) { Log = logKey, PlanText = planText };
        }
        finally
        {
            // The plan file is never kept (nothing may apply it); the log is.
            File.Delete(Path.Combine(dir, PlanFileName));
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(steps.Log));
            await artifacts.PutAsync(logKey, stream, CancellationToken.None);
        }
    }

    private static DriftOutcome Failed(string? commit, string? project, string reason, DriftConfigReport? config) =>
        new(commit, project, DriftState.Failed, null, reason, config);

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    private static string Truncate(string text) =>
        text.Length <= MaxPlanTextCharacters ? text : string.Concat(text.AsSpan(0, MaxPlanTextCharacters), "\n… (plan text truncated; see the run's log)");
}
