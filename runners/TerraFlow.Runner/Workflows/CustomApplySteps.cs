using System.Text;
using TerraFlow.Core.CustomWorkflows;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Runner.Workflows;

/// <summary>
/// The apply part of a custom workflow, split at its one <c>apply</c> step: the steps before it run before the point
/// of no return (a failure there applies nothing), the <c>apply</c> step's <c>extra_args</c> go to
/// <c>terraform apply</c> (always of the approved plan file), and the steps after it run once the apply succeeded.
/// </summary>
internal sealed class CustomApplySteps(ProjectWorkflow workflow, WorkflowStepRunner runner)
{
    private readonly int _applyAt = IndexOfApply(workflow.Apply);

    public WorkflowStepRunner Runner => runner;

    public IReadOnlyList<string> ApplyArgs => workflow.Apply[_applyAt].ExtraArgs;

    /// <returns>Null when every step before the apply succeeded, else why nothing was applied.</returns>
    public async Task<string?> BeforeApplyAsync(TerraformSteps steps, RunnerOptions options, CancellationToken ct)
    {
        foreach (var step in workflow.Apply.Take(_applyAt))
        {
            var failure = step.Kind == StepKinds.Init
                ? await CustomPlanSteps.InitAsync(steps, options, step.ExtraArgs, ct)
                : await runner.RunAsync(step, ct);
            if (failure is not null) return failure;
        }
        return null;
    }

    /// <returns>Null when every step after the apply succeeded, else what failed (the apply itself stands).</returns>
    public async Task<string?> AfterApplyAsync(CancellationToken ct)
    {
        foreach (var step in workflow.Apply.Skip(_applyAt + 1))
        {
            if (await runner.RunAsync(step, ct) is { } failure)
                return "The apply succeeded, but a step after it failed: " + failure;
        }
        return null;
    }

    /// <summary>The apply output with each <c>run</c> step's output before it, for the comment's apply block.</summary>
    public string Describe(string? applyOutput)
    {
        var sb = new StringBuilder();
        foreach (var step in runner.Outputs)
            sb.Append("── ").Append(step.Step).Append(" (exit ").Append(step.ExitCode).AppendLine(")").AppendLine(step.Output.TrimEnd());
        if (applyOutput is not null) sb.AppendLine("── terraform apply").Append(applyOutput);
        return sb.ToString();
    }

    private static int IndexOfApply(IReadOnlyList<WorkflowStep> steps)
    {
        for (var i = 0; i < steps.Count; i++)
            if (steps[i].Kind == StepKinds.Apply) return i;
        // The parser requires the step in every non-empty apply list.
        throw new InvalidOperationException("the apply workflow has no 'apply' step");
    }
}
