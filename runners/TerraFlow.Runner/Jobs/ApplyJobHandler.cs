using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workflows;
using TerraFlow.Runner.Workspace;
using TerraFlow.Core.CustomWorkflows;
using CoreArtifactKeys = TerraFlow.Core.Artifacts.ArtifactKeys;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// Applies exactly the approved plan: fresh clone of the head commit, the stored plan file (refused unless its
/// SHA-256 is the approved one), <c>terraform init</c>, then <c>terraform apply PLANFILE</c>. Once Terraform starts
/// applying it is never killed outright: a stopping runner lets it finish within the grace period, then interrupts it.
/// </summary>
public sealed class ApplyJobHandler(RunnerOptions options, VcsClients vcs, CloneUrlPolicy cloneUrls, IArtifactStore artifacts, ILogger<ApplyJobHandler> logger, CustomWorkflowOptions? workflows = null) : IGracefulJobHandler
{
    private readonly CustomWorkflowOptions _workflows = workflows ?? new CustomWorkflowOptions();

    private const string PlanFileName = "terraflow.tfplan";

    /// <summary>Lines of the apply output that go into the result (and so the PR comment); the full log is an artifact.</summary>
    public const int OutputTailLines = 60;

    /// <summary>Uploading the log and similar last steps still run while the runner is stopping, but not forever.</summary>
    private static readonly TimeSpan FinishingTimeout = TimeSpan.FromMinutes(1);

    public string Kind => JobKinds.Apply;

    public Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct) =>
        ExecuteAsync(lease, masker, JobStopSignals.From(ct), ct);

    public async Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, JobStopSignals stop, CancellationToken ct)
    {
        var spec = lease.Spec;
        var project = spec.Project ?? throw new InvalidOperationException($"apply job {lease.JobId} names no project");
        var logKey = CoreArtifactKeys.ApplyLog(spec.RunId, project.Name, lease.JobId, lease.Attempt);
        // Everything before the apply itself stops as soon as the runner stops: nothing has changed yet.
        using var preparing = CancellationTokenSource.CreateLinkedTokenSource(ct, stop.Stopping);
        ApplyOutcome outcome;
        try
        {
            outcome = await CloneAndApplyAsync(lease, project.Name, project.Dir, project.Workspace, logKey, masker, stop, preparing.Token);
        }
        catch (WorkspaceException ex)
        {
            outcome = NotApplied(project.Name, masker.Apply(ex.Message));
        }
        catch (OperationCanceledException) when (stop.Stopping.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            outcome = NotApplied(project.Name, "The runner was shut down before terraform apply started.");
        }
        logger.LogInformation("Run {RunId} project {Project}: apply {Result}", spec.RunId, project.Name,
            outcome.Succeeded ? "succeeded" : outcome.Interrupted ? "was interrupted" : "failed");
        return new JobResult(lease.JobId, spec.RunId, JobKinds.Apply, null, null) { Apply = outcome };
    }

    private async Task<ApplyOutcome> CloneAndApplyAsync(JobLease lease, string name, string projectDir, string workspaceName,
        string logKey, SecretMasker masker, JobStopSignals stop, CancellationToken ct)
    {
        var spec = lease.Spec;
        // Only a pull request's approved plan is ever applied: drift checks (schedule, manual) and any other run without
        // a pull request never reach terraform apply, whatever job a bug or a forged queue row carries.
        if (ApplyGuard.Refusal(spec) is { } refusal)
            return NotApplied(name, refusal);
        if (spec.Untrusted)
            return NotApplied(name, "Refused: this plan ran as untrusted code (a fork's restricted plan); it cannot be applied.");
        var workflow = spec.Project?.Workflow;
        if (workflow is not null && !_workflows.IsAllowed(spec.RepoOwner, spec.RepoName))
            return NotApplied(name, "Custom workflows are not enabled for this repository (TerraFlow__Workflows__AllowCustom); no command ran.");
        if (string.IsNullOrEmpty(spec.PlanFile) || string.IsNullOrEmpty(spec.PlanSha256))
            return NotApplied(name, "The apply job names no plan file or no plan hash.");

        var planBytes = await DownloadAsync(spec.PlanFile, ct);
        if (planBytes is null)
            return NotApplied(name, "The approved plan file is no longer in the artifact store; run a new plan.");
        var sha = Convert.ToHexStringLower(SHA256.HashData(planBytes));
        if (!string.Equals(sha, spec.PlanSha256, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogError("Apply job {JobId}: plan file {Key} has SHA-256 {Actual}, the approved plan has {Expected}; refusing to apply",
                lease.JobId, spec.PlanFile, sha, spec.PlanSha256);
            return NotApplied(name, $"Refused: the stored plan file's SHA-256 ({sha}) is not the approved plan's ({spec.PlanSha256}). The plan file changed after approval; run a new plan.");
        }

        await using var sandbox = Sandboxes.Create(options, spec, masker);
        var credential = await CloneAuth.GetAsync(vcs, cloneUrls, spec, ct);
        await using var workspace = await GitWorkspace.CloneAsync(spec.CloneUrl, spec.HeadSha, credential, options, masker, sandbox, ct);
        await workspace.RefuseSymlinksLeavingCheckoutAsync(ct);
        var dir = ProjectPaths.Resolve(workspace.Root, projectDir);
        if (!Directory.Exists(dir))
            return NotApplied(name, "The project directory does not exist at this commit.");
        var planPath = Path.Combine(dir, PlanFileName);
        await File.WriteAllBytesAsync(planPath, planBytes, ct);
        sandbox.Own(planPath);

        // The plan job chose the same way, so the plan file is applied by the engine and version that wrote it.
        var (engine, engineProblem) = await EngineSelection.ResolveAsync(options, spec.Project!, sandbox, workspace.Root, ct);
        if (engine is null) return NotApplied(name, engineProblem!);
        var applyTimeout = ProjectTimeouts.Apply(options, spec.Project);
        var steps = new TerraformSteps(options, engine, dir, workspaceName, masker, sandbox);
        await using var providers = await ProviderCacheStep.UseAsync(options, steps, engine, sandbox, workspace.Root, projectDir, spec.Untrusted, ct);
        // A custom apply workflow: its steps before `apply` run here, the ones after it once the apply succeeded.
        var custom = workflow is { Apply.Count: > 0 } ? new CustomApplySteps(workflow, new WorkflowStepRunner(steps, masker, applyTimeout)) : null;
        custom?.Runner.DescribeJob(spec.Project!, dir, planPath, Path.Combine(dir, "terraflow.plan.json"));
        var prepared = custom is null
            ? await CustomPlanSteps.InitAsync(steps, options, [], ct)
            : await custom.BeforeApplyAsync(steps, options, ct);
        if (prepared is not null)
            return await FinishAsync(steps, logKey, NotApplied(name, prepared) with { Output = custom?.Describe(null) });

        // The point of no return. A stopping runner starts no apply, and a lease lost meanwhile (the job was
        // reported interrupted or taken away) must not be applied by this runner.
        ct.ThrowIfCancellationRequested();
        if (!await stop.ConfirmLease(ct))
            throw new OperationCanceledException("The lease of the apply job was lost before terraform apply started.");

        // Not bound to ct: neither a stopping runner nor a lost lease kills an apply in progress; only the end of
        // the grace period (stop.Interrupt) or the apply timeout interrupts it.
        var apply = await steps.RunInterruptibleAsync(["apply", "-input=false", "-no-color", .. custom?.ApplyArgs ?? [], PlanFileName],
            applyTimeout, options.ApplyInterruptTimeout, stop.Interrupt);
        var output = steps.Tail(apply, OutputTailLines);
        if (CheckoutState.Warning(workspace.Root, dir) is { } lostState)
        {
            // Said where the user reads the apply (the comment) and in the log; the apply itself has happened.
            steps.Note(lostState);
            output = output + "\n\n" + lostState;
            logger.LogWarning("Run {RunId} project {Project}: Terraform wrote its state into the checkout, which is deleted after the job", spec.RunId, name);
        }
        ApplyOutcome outcome;
        if (apply.Interrupted || apply.TimedOut)
        {
            var reason = apply.Interrupted
                ? $"The runner was stopped while terraform apply was running, and the apply did not finish within the grace period ({options.ApplyGracePeriod}); Terraform was interrupted."
                : $"{engine.Command} apply did not finish within {applyTimeout} and was interrupted.";
            outcome = JobFailures.InterruptedApply(lease.JobId, spec, reason, output, logKey).Apply! with { ProjectName = name };
        }
        else if (apply.ExitCode == 0)
        {
            var after = custom is null ? null : await custom.AfterApplyAsync(ct);
            outcome = new ApplyOutcome(name, true, false, custom?.Describe(output) ?? output, logKey, after);
        }
        else
            outcome = new ApplyOutcome(name, false, false, output, logKey, steps.Failure("apply", apply, applyTimeout));
        return await FinishAsync(steps, logKey, outcome);
    }

    private async Task<byte[]?> DownloadAsync(string key, CancellationToken ct)
    {
        await using var stream = await artifacts.OpenReadAsync(key, ct);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    /// <summary>
    /// Stores the full masked log. Runs even while the runner is stopping; a failed upload never loses the outcome
    /// (the apply happened, whatever the artifact store says), it only drops the link to the log.
    /// </summary>
    private async Task<ApplyOutcome> FinishAsync(TerraformSteps steps, string logKey, ApplyOutcome outcome)
    {
        using var timeout = new CancellationTokenSource(FinishingTimeout);
        try
        {
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(steps.Log));
            await artifacts.PutAsync(logKey, stream, timeout.Token);
            return outcome with { Log = logKey };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Storing the apply log {Key} failed; the outcome is reported without it", logKey);
            return outcome with { Log = null };
        }
    }

    /// <summary>Nothing was applied: terraform apply never started.</summary>
    private static ApplyOutcome NotApplied(string name, string error) =>
        new(name, false, false, null, null, error + " Nothing was applied.");
}
