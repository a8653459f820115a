using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Policies;

/// <summary>
/// The policy check of one planned project: its built-in rules (evaluated in Core) and, when it names
/// <c>policy_paths</c>, conftest over the Rego policies in the cloned workspace. One instance per job.
/// </summary>
public sealed class PolicyCheck(RunnerOptions options, SecretMasker masker)
{
    /// <summary>Written next to the plan file in the project directory; conftest reads it from there.</summary>
    public const string PlanJsonFileName = "terraflow.plan.json";

    private readonly ConftestRunner _conftest = new(options, masker);

    /// <summary>The conftest command and its output, masked; empty when conftest did not run.</summary>
    public string Log => _conftest.Log;

    /// <summary>
    /// Built-in violations first, then conftest's. Always returns an outcome (<see cref="PolicyOutcome.Passed"/> when
    /// the project has no rules); problems such as a missing policy folder or a failing conftest become
    /// <see cref="PolicyOutcome.Error"/>, which denies.
    /// </summary>
    /// <param name="workspaceRoot">The root of the cloned repository; policy paths are relative to it.</param>
    /// <param name="projectDirectory">The project's directory inside the clone (where the plan JSON is written).</param>
    /// <param name="planJson">The output of <c>terraform show -json</c>.</param>
    public async Task<PolicyOutcome> EvaluateAsync(
        ProjectDefinition project, string workspaceRoot, string projectDirectory, ReadOnlyMemory<byte> planJson, CancellationToken ct)
    {
        // Built-in messages quote planned values; mask them like everything else that reaches a comment.
        var builtIn = Masked(PolicyEvaluator.Evaluate(project.Policies, planJson));
        if (project.PolicyPaths.Count == 0) return builtIn;

        // Policy folders resolve inside the checkout only (a symlinked folder leaving it is refused), like every path
        // the runner takes from a repository.
        var files = new CheckoutFiles(workspaceRoot);
        var root = files.Root;
        var dirs = new List<string>();
        foreach (var relative in project.PolicyPaths)
        {
            string? full;
            try
            {
                full = files.DirectoryPath(relative);
            }
            catch (RepositoryFileRefusedException ex)
            {
                return PolicyOutcomes.Combine(builtIn, new PolicyOutcome([], $"Policy folder '{relative}' is refused: {ex.Reason}"));
            }
            if (full is null)
                return PolicyOutcomes.Combine(builtIn, new PolicyOutcome([], $"Policy folder '{relative}' does not exist at this commit."));
            dirs.Add(Path.GetRelativePath(root, full));
        }

        var planFile = Path.Combine(projectDirectory, PlanJsonFileName);
        await File.WriteAllBytesAsync(planFile, planJson, ct);
        var conftest = await _conftest.RunAsync(dirs, Path.GetRelativePath(root, planFile), root, ct);
        return PolicyOutcomes.Combine(builtIn, conftest);
    }

    private PolicyOutcome Masked(PolicyOutcome outcome) =>
        ReferenceEquals(outcome, PolicyOutcome.Passed)
            ? outcome
            : new PolicyOutcome(
                outcome.Violations.Select(v => v with { Message = masker.Apply(v.Message) }).ToList(),
                outcome.Error is null ? null : masker.Apply(outcome.Error));
}
