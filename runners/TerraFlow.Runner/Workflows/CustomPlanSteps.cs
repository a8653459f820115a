using TerraFlow.Core.CustomWorkflows;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Runner.Workflows;

/// <summary>
/// The plan part of a custom workflow: the repository's <c>pre_plan</c> hooks, then the workflow's plan steps (TerraFlow's
/// default <c>init</c>, <c>plan</c> when it lists none). Right after the built-in <c>plan</c> step the plan JSON is
/// written to <c>$SHOWFILE</c>, so later steps (checkov, infracost) can read it. The job handler then reads the plan as
/// usual and runs the <c>post_plan</c> hooks.
/// </summary>
internal static class CustomPlanSteps
{
    private static readonly IReadOnlyList<WorkflowStep> DefaultPlan = [new(StepKinds.Init), new(StepKinds.Plan)];

    /// <returns>Null when every step succeeded, else why the plan failed.</returns>
    public static async Task<string?> RunAsync(
        ProjectWorkflow workflow, WorkflowStepRunner runner, TerraformSteps steps, RunnerOptions options,
        string planFileName, string showFile, CancellationToken ct)
    {
        foreach (var hook in workflow.PrePlan)
            if (await runner.RunAsync(hook, ct) is { } failure) return "pre_plan hook " + failure;

        foreach (var step in workflow.Plan.Count > 0 ? workflow.Plan : DefaultPlan)
        {
            var failure = step.Kind switch
            {
                StepKinds.Init => await InitAsync(steps, options, step.ExtraArgs, ct),
                StepKinds.Plan => await PlanAsync(steps, options, step.ExtraArgs, planFileName, showFile, ct),
                _ => await runner.RunAsync(step, ct),
            };
            if (failure is not null) return failure;
        }
        return null;
    }

    /// <summary>Runs the <c>post_plan</c> hooks; their failure fails the plan (e.g. a policy scanner's findings).</summary>
    public static async Task<string?> RunPostPlanAsync(ProjectWorkflow workflow, WorkflowStepRunner runner, CancellationToken ct)
    {
        foreach (var hook in workflow.PostPlan)
            if (await runner.RunAsync(hook, ct) is { } failure) return "post_plan hook " + failure;
        return null;
    }

    public static async Task<string?> InitAsync(TerraformSteps steps, RunnerOptions options, IReadOnlyList<string> extraArgs, CancellationToken ct)
    {
        var init = await steps.RunAsync(["init", "-input=false", "-no-color", .. extraArgs], options.InitTimeout, ct);
        return init.ExitCode == 0 ? null : steps.Failure("init", init, options.InitTimeout);
    }

    private static async Task<string?> PlanAsync(TerraformSteps steps, RunnerOptions options, IReadOnlyList<string> extraArgs,
        string planFileName, string showFile, CancellationToken ct)
    {
        // -detailed-exitcode: 0 = no changes, 2 = changes, 1 = error. TerraFlow's own -out comes last so it wins.
        var plan = await steps.RunAsync(["plan", "-input=false", "-no-color", .. extraArgs, "-out=" + planFileName, "-detailed-exitcode"], options.PlanTimeout, ct);
        if (plan.ExitCode is not (0 or 2)) return steps.Failure("plan", plan, options.PlanTimeout);
        var json = await steps.RunAsync(["show", "-json", planFileName], options.PlanTimeout, ct);
        if (json.ExitCode != 0) return steps.Failure("show -json", json, options.PlanTimeout);
        await WriteNewFileAsync(showFile, steps.Mask(json.StandardOutput), ct);
        return null;
    }

    /// <summary>
    /// The runner may be root and the project directory belongs to the job's user, whose code just ran: never write
    /// through whatever is at the path (a symlink planted there). Remove it, then create the file exclusively
    /// (O_CREAT|O_EXCL fails on any entry, a symlink included, that reappears in between).
    /// </summary>
    private static async Task WriteNewFileAsync(string path, string text, CancellationToken ct)
    {
        File.Delete(path);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
    }
}
