using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// The apply requirements of a project, checked when an approval arrives and again in the transaction that moves the
/// project to applying (with facts read from the VCS host just before). Returns what is missing, in words.
/// </summary>
public static class ApplyRequirements
{
    /// <param name="runHeadSha">The commit the plan was made for.</param>
    /// <param name="merged">After a merge, mergeable/undiverged no longer mean anything and are not checked.</param>
    public static IReadOnlyList<string> Unmet(ProjectRunState project, string runHeadSha, PullRequestFacts facts, bool merged)
    {
        var unmet = new List<string>();
        var settings = project.Definition.Apply;
        var required = settings.Requirements;

        if (!merged && !string.Equals(facts.HeadSha, runHeadSha, StringComparison.OrdinalIgnoreCase))
            unmet.Add("the pull request has newer commits than this plan; it will be re-planned");

        // A deny result always blocks (only a policy owner's override lifts it), whatever the requirements say.
        if (project.Policy is { Denied: true } policy && project.PolicyOverride is null)
        {
            unmet.Add(policy.Error is not null
                ? $"policies could not be evaluated: {policy.Error}"
                : "denied by policy " + string.Join(", ", policy.Violations.Where(v => v.Severity == Policies.PolicySeverity.Deny).Select(v => $"`{v.Rule}`").Distinct()));
        }

        if (required.Contains(ApplyRequirement.PoliciesPassed))
        {
            foreach (var rule in Eligibility.OpenPolicyApprovalRules(project))
            {
                var have = Eligibility.CountPolicyApprovals(project, rule, facts.Author);
                if (have < rule.RequiredApprovals)
                    unmet.Add($"policy `{rule.Rule}` needs {More(rule.RequiredApprovals - have)} from {Eligibility.Describe(rule.Approvers)} ({have} of {rule.RequiredApprovals})");
            }
        }

        if (required.Contains(ApplyRequirement.Approved))
        {
            var need = settings.Approvals.Count;
            var have = Eligibility.CountProjectApprovals(project, facts.Author);
            if (have < need) unmet.Add($"needs {More(need - have)} ({have} of {need})");
        }

        if (!merged && required.Contains(ApplyRequirement.Mergeable) && facts.Mergeable != true)
            unmet.Add(facts.Mergeable is null ? "the VCS host has not decided yet whether the pull request is mergeable; try again shortly" : "the pull request is not mergeable");

        if (!merged && required.Contains(ApplyRequirement.Undiverged) && !facts.Undiverged)
            unmet.Add("the branch is behind its base branch; update it (a new plan follows)");

        return unmet;
    }

    private static string More(int n) => n == 1 ? "1 more approval" : $"{n} more approvals";
}
