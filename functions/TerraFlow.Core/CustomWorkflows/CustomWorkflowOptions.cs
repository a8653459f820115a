using TerraFlow.Core.Projects;

namespace TerraFlow.Core.CustomWorkflows;

/// <summary>
/// Server-side <c>TerraFlow:Workflows</c>. Custom workflows and hooks run commands a repository supplies, with the
/// job's environment (its credentials when trusted): a code-execution feature, so it is off unless an operator lists
/// the repository.
/// </summary>
public sealed class CustomWorkflowOptions
{
    public const string Section = "TerraFlow:Workflows";

    /// <summary>Comma-separated <c>owner/name</c> globs (GitLab: full path) of the repositories that may use
    /// <c>workflows:</c> and <c>hooks:</c>; <c>*</c> within a segment, <c>**</c> across. Empty (default) = none.</summary>
    public string AllowCustom { get; set; } = "";

    public bool IsAllowed(string owner, string name)
    {
        var full = owner + "/" + name;
        return AllowCustom.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(pattern => RepositoryGlob.Matches(pattern, full));
    }
}
