using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Drift;

/// <summary>The job of a drift check: everything the runner needs travels in the spec.</summary>
public static class DriftJobs
{
    /// <summary>
    /// A drift job at the default branch's head: no commit is named (<c>HeadSha</c> empty), the runner checks out
    /// what the repository's HEAD points at when it clones. Never untrusted (the default branch is the repository's own
    /// code, as after a merge), never a pull request. <paramref name="project"/> null: read the configuration only.
    /// </summary>
    public static JobSpec Spec(long runId, string provider, RepoRef repo, string cloneUrl, ProjectDefinition? project, string operationId) =>
        new(JobKinds.Drift, runId, repo.Owner, repo.Name, repo.InstallationId, cloneUrl, HeadSha: "", BaseSha: "", project, operationId)
        {
            Provider = provider,
        };
}
