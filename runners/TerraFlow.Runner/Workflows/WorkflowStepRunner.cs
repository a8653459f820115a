using TerraFlow.Core.CustomWorkflows;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Runner.Workflows;

/// <summary>
/// Runs a custom workflow's <c>run</c> and <c>env</c> steps for one job and keeps what the pull-request comment shows
/// of them. Commands run through <see cref="TerraformSteps.RunShellAsync"/>: in the project directory, as the job's
/// user, with the job's allow-listed environment (its credentials when the job is trusted), never the runner's own.
/// </summary>
internal sealed class WorkflowStepRunner(TerraformSteps steps, SecretMasker masker, TimeSpan stepTimeout)
{
    /// <summary>Lines of a step's output kept for the comment (the end: findings and summaries come last).</summary>
    public const int OutputTailLines = 150;

    public List<StepOutput> Outputs { get; } = [];

    /// <summary>
    /// The variables every command of the workflow sees, under the names Atlantis uses (so existing tflint, checkov
    /// and infracost recipes work) and with a <c>TERRAFLOW_</c> prefix.
    /// </summary>
    public void DescribeJob(ProjectDefinition project, string directory, string planFile, string showFile)
    {
        foreach (var (name, value) in new[]
                 {
                     ("PROJECT_NAME", project.Name), ("DIR", directory), ("WORKSPACE", project.Workspace),
                     ("PLANFILE", planFile), ("SHOWFILE", showFile),
                 })
        {
            steps.Variables[name] = value;
            steps.Variables["TERRAFLOW_" + name] = value;
        }
    }

    /// <returns>Null when the step succeeded, else why it failed (masked, for the comment).</returns>
    public async Task<string?> RunAsync(WorkflowStep step, CancellationToken ct)
    {
        switch (step.Kind)
        {
            case StepKinds.Run:
            {
                var result = await steps.RunShellAsync(step.Command!, stepTimeout, ct);
                Outputs.Add(new StepOutput(step.Describe(), result.TimedOut ? -1 : result.ExitCode, steps.Tail(result, OutputTailLines)));
                return Failure(step, result);
            }
            case StepKinds.Env:
            {
                var value = step.Value;
                if (step.Command is { } command)
                {
                    var result = await steps.RunShellAsync(command, stepTimeout, ct);
                    value = result.StandardOutput.TrimEnd('\r', '\n');
                    // A computed value is usually a token fetched for the job: it is never shown anywhere.
                    masker.Add(value);
                    if (Failure(step, result) is { } failure)
                    {
                        Outputs.Add(new StepOutput(step.Describe(), result.TimedOut ? -1 : result.ExitCode, steps.Tail(result, OutputTailLines)));
                        return failure;
                    }
                }
                steps.Variables[step.Name!] = value;
                return null;
            }
            default:
                throw new InvalidOperationException($"step '{step.Kind}' is run by the job handler, not as a command");
        }
    }

    private string? Failure(WorkflowStep step, Processes.ProcessResult result) =>
        result.TimedOut ? steps.Mask($"`{step.Describe()}` timed out after {stepTimeout}.")
        : result.ExitCode != 0 ? steps.Mask($"`{step.Describe()}` failed (exit {result.ExitCode}); its output is shown below.")
        : null;
}
