using TerraFlow.Core.Jobs;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Policies;

/// <summary>
/// Runs a project's policy check with its Rego folders taken from the commit its rules came from
/// (<see cref="ProjectDefinition.PolicyCommit"/>: the base commit, unless the operator allows <c>policy_paths</c>
/// overrides), never from the head checkout: a pull request that deletes or weakens a policy is still judged by the
/// base branch's. The folders are written from git objects into a scratch folder outside the checkout, and conftest
/// runs there (so no file of the head, such as a conftest configuration, takes part).
/// </summary>
internal static class RulesCommitPolicies
{
    public static async Task<PolicyOutcome> EvaluateAsync(
        PolicyCheck check, ProjectDefinition project, GitWorkspace workspace, JobSpec spec, VcsClients vcs,
        RunnerOptions options, ReadOnlyMemory<byte> planJson, CancellationToken ct)
    {
        if (project.PolicyPaths.Count == 0)
            return await check.EvaluateAsync(project, workspace.Root, Path.Combine(workspace.Root, project.Dir), planJson, ct);

        var scratch = Path.Combine(options.WorkDirectory, Guid.NewGuid().ToString("N") + "-policies");
        try
        {
            var commit = project.PolicyCommit is { Length: > 0 } c ? c : await BaseCommit.ResolveAsync(vcs, spec, ct);
            if (string.IsNullOrEmpty(commit))
                return await WithError(check, project, workspace, planJson, "The pull request's base commit is unknown, so its policies cannot be read.", ct);
            await workspace.EnsureCommitAsync(commit, ct);
            Directory.CreateDirectory(scratch);
            await new CommitFiles(workspace, commit).ExportAsync(project.PolicyPaths, scratch, ct);
            var projectDir = Path.Combine(scratch, project.Dir);
            Directory.CreateDirectory(projectDir);
            return await check.EvaluateAsync(project, scratch, projectDir, planJson, ct);
        }
        catch (WorkspaceException ex)
        {
            return await WithError(check, project, workspace, planJson, $"The policy folders could not be read: {ex.Message}", ct);
        }
        finally
        {
            // Plain files written above; no symlinks to follow. Best effort: the work directory is scratch space.
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The built-in rules' result plus an error, which denies: a policy check that cannot run never passes.</summary>
    private static async Task<PolicyOutcome> WithError(
        PolicyCheck check, ProjectDefinition project, GitWorkspace workspace, ReadOnlyMemory<byte> planJson, string error, CancellationToken ct)
    {
        var builtIn = await check.EvaluateAsync(project with { PolicyPaths = [] }, workspace.Root, Path.Combine(workspace.Root, project.Dir), planJson, ct);
        return PolicyOutcomes.Combine(builtIn, new PolicyOutcome([], error));
    }
}
