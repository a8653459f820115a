using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Runner.Policies;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workflows;
using TerraFlow.Runner.Workspace;
using TerraFlow.Core.CustomWorkflows;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// terraform init → plan -out → show -json → show, then the policy check (built-in rules and conftest), then the
/// artifacts go to the artifact store.
/// </summary>
public sealed class PlanJobHandler(RunnerOptions options, VcsClients vcs, CloneUrlPolicy cloneUrls, IArtifactStore artifacts, ILogger<PlanJobHandler> logger, CustomWorkflowOptions? workflows = null) : IJobHandler
{
    private const string PlanFileName = "terraflow.tfplan";

    /// <summary>Where a custom workflow finds the plan JSON (<c>$SHOWFILE</c>), in the project directory.</summary>
    private const string ShowFileName = "terraflow.plan.json";

    private readonly CustomWorkflowOptions _workflows = workflows ?? new CustomWorkflowOptions();

    public string Kind => JobKinds.Plan;

    public async Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var spec = lease.Spec;
        var project = spec.Project ?? throw new InvalidOperationException($"plan job {lease.JobId} names no project");
        var keys = ArtifactKeys.For(spec.RunId, project.Name, lease.JobId, lease.Attempt);
        PlanOutcome outcome;
        // Defence in depth: discovery only resolves workflows for allowed repositories; a job that carries one anyway
        // (a stored run from before the operator removed the repository) runs nothing.
        if (project.Workflow is not null && !_workflows.IsAllowed(spec.RepoOwner, spec.RepoName))
        {
            outcome = new PlanOutcome(project.Name, false, null, null, null,
                "Custom workflows are not enabled for this repository (TerraFlow__Workflows__AllowCustom); nothing ran.");
            return new JobResult(lease.JobId, spec.RunId, JobKinds.Plan, null, outcome);
        }
        try
        {
            // Before anything runs: the sandbox adds the job's credentials to the masker.
            await using var sandbox = Sandboxes.Create(options, spec, masker);
            var credential = await CloneAuth.GetAsync(vcs, cloneUrls, spec, ct);
            await using var workspace = await GitWorkspace.CloneAsync(spec.CloneUrl, spec.HeadSha, credential, options, masker, sandbox, ct);
            await workspace.RefuseSymlinksLeavingCheckoutAsync(ct);
            var dir = ProjectPaths.Resolve(workspace.Root, project.Dir);
            var (engine, engineProblem) = await EngineSelection.ResolveAsync(options, project, sandbox, workspace.Root, ct);
            if (engine is null)
                return new JobResult(lease.JobId, spec.RunId, JobKinds.Plan, null, Failed(project.Name, keys, engineProblem!));
            var steps = new TerraformSteps(options, engine, dir, project.Workspace, masker, sandbox);
            await using var providers = await ProviderCacheStep.UseAsync(options, steps, engine, sandbox, workspace.Root, project.Dir, spec.Untrusted, ct);
            var policies = new PolicyCheck(options, masker, sandbox);
            outcome = await PlanAsync(steps, masker, project, dir, keys,
                (planJson, token) => RulesCommitPolicies.EvaluateAsync(policies, project, workspace, spec, vcs, options, planJson, token), ct);
            await PutTextAsync(keys.Log, steps.Log + policies.Log, ct);
        }
        catch (WorkspaceException ex)
        {
            outcome = new PlanOutcome(project.Name, false, null, null, null, masker.Apply(ex.Message));
        }
        logger.LogInformation("Run {RunId} project {Project}: plan {Result}", spec.RunId, project.Name, outcome.Succeeded ? "succeeded" : "failed");
        return new JobResult(lease.JobId, spec.RunId, JobKinds.Plan, null, outcome);
    }

    /// <param name="checkPolicies">The policy check of the plan JSON (built-in rules and the rules commit's Rego folders).</param>
    private async Task<PlanOutcome> PlanAsync(
        TerraformSteps steps, SecretMasker masker, ProjectDefinition project, string dir, PlanArtifacts keys,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task<PolicyOutcome>> checkPolicies, CancellationToken ct)
    {
        var name = project.Name;
        if (!Directory.Exists(dir))
            return Failed(name, keys, "The project directory does not exist at this commit.");

        // The project's plan_timeout when shorter than the runner's limit; each plan step gets it.
        var planTimeout = ProjectTimeouts.Plan(options, project);
        WorkflowStepRunner? custom = null;
        if (project.Workflow is { } workflow)
        {
            custom = new WorkflowStepRunner(steps, masker, planTimeout);
            custom.DescribeJob(project, dir, Path.Combine(dir, PlanFileName), Path.Combine(dir, ShowFileName));
            if (await CustomPlanSteps.RunAsync(workflow, custom, steps, options, PlanFileName, Path.Combine(dir, ShowFileName), ct) is { } failure)
                return Failed(name, keys, failure) with { StepOutputs = custom.Outputs };
        }
        else
        {
            var init = await steps.RunAsync(["init", "-input=false", "-no-color"], options.InitTimeout, ct);
            if (init.ExitCode != 0) return Failed(name, keys, steps.Failure("init", init, options.InitTimeout));

            // -detailed-exitcode: 0 = no changes, 2 = changes, 1 = error.
            var plan = await steps.RunAsync(["plan", "-input=false", "-no-color", "-out=" + PlanFileName, "-detailed-exitcode"], planTimeout, ct);
            if (plan.ExitCode is not (0 or 2)) return Failed(name, keys, steps.Failure("plan", plan, planTimeout));
        }

        var json = await steps.RunAsync(["show", "-json", PlanFileName], planTimeout, ct);
        if (json.ExitCode != 0) return Failed(name, keys, steps.Failure("show -json", json, planTimeout));
        var text = await steps.RunAsync(["show", "-no-color", PlanFileName], planTimeout, ct);
        if (text.ExitCode != 0) return Failed(name, keys, steps.Failure("show", text, planTimeout));

        if (project.Workflow is { } hooked && custom is not null && await CustomPlanSteps.RunPostPlanAsync(hooked, custom, ct) is { } postFailure)
            return Failed(name, keys, postFailure) with { StepOutputs = custom.Outputs };

        PlanSummary summary;
        // Masked before anything reads it: the summary, policy messages and the stored plan.json all come from it.
        var maskedJson = steps.Mask(json.StandardOutput);
        var planJson = Encoding.UTF8.GetBytes(maskedJson);
        try
        {
            summary = PlanReader.Read(planJson);
        }
        catch (PlanFormatException ex)
        {
            return Failed(name, keys, "terraform show -json returned a plan TerraFlow cannot read: " + ex.Message) with { StepOutputs = custom?.Outputs ?? [] };
        }

        var planBytes = await File.ReadAllBytesAsync(Path.Combine(dir, PlanFileName), ct);
        await using (var planStream = new MemoryStream(planBytes)) await artifacts.PutAsync(keys.PlanFile, planStream, ct);
        await PutTextAsync(keys.PlanJson, maskedJson, ct);
        await PutTextAsync(keys.PlanText, steps.Mask(text.StandardOutput), ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(planBytes));
        // Always evaluated for a successful plan: Passed when the project has no rules.
        var policy = await checkPolicies(planJson, ct);
        return new PlanOutcome(name, true, summary, sha, keys, null) { Policy = policy, StepOutputs = custom?.Outputs ?? [] };
    }

    private static PlanOutcome Failed(string name, PlanArtifacts keys, string error) => new(name, false, null, null, keys, error);

    private async Task PutTextAsync(string key, string text, CancellationToken ct)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await artifacts.PutAsync(key, stream, ct);
    }
}

internal static class ArtifactKeys
{
    public static PlanArtifacts For(long runId, string project, long jobId, int attempt)
    {
        var safe = new string(project.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).Trim('.');
        var prefix = $"runs/{runId}/{(safe.Length == 0 ? "project" : safe)}/{jobId}-{attempt}";
        return new PlanArtifacts($"{prefix}/plan.tfplan", $"{prefix}/plan.json", $"{prefix}/plan.txt", $"{prefix}/log.txt");
    }
}
