using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>Who may approve a project's plan or override its policies. Pure: the engine supplies permissions and teams.</summary>
public static class Eligibility
{
    /// <summary>Every team a rule of the run names (approvers, policy owners, policy approvers, CODEOWNERS teams), as <c>org/slug</c>.</summary>
    public static IReadOnlyList<string> TeamsNamedBy(RunState state)
    {
        var teams = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in state.Projects)
        {
            var apply = p.Definition.Apply;
            teams.UnionWith(apply.Approvals.Approvers.Teams);
            teams.UnionWith(apply.PolicyOwners.Teams);
            foreach (var v in p.Policy?.ApprovalRules ?? []) teams.UnionWith(v.Approvers.Teams);
            foreach (var owner in p.CodeOwners)
                if (owner.TrimStart('@') is var o && o.Contains('/', StringComparison.Ordinal)) teams.Add(o);
        }
        return teams.ToList();
    }

    /// <summary>Null when <paramref name="approver"/> may approve the project's plan; otherwise why not.</summary>
    public static string? WhyNotApprover(Approval approver, ProjectRunState project, string author)
    {
        var rule = project.Definition.Apply.Approvals;
        if (Same(approver.User, author) && !rule.AllowAuthor)
            return "the pull request's author cannot approve their own change";
        if (IsProjectApprover(approver, project)) return null;
        if (OpenPolicyApprovalRules(project).Any(v => InSet(approver, v.Approvers))) return null;
        return $"@{approver.User} is not an eligible approver for `{project.Definition.Name}` (eligible: {Describe(rule, project.CodeOwners)})";
    }

    /// <summary>Null when <paramref name="by"/> may override the project's denying policies.</summary>
    public static string? WhyNotPolicyOwner(Actor by, ProjectRunState project)
    {
        var owners = project.Definition.Apply.PolicyOwners;
        if (owners.IsEmpty)
            return by.Permission >= RepoPermission.Admin ? null : $"only repository admins may override policies for `{project.Definition.Name}` (no `policy_owners` are configured)";
        var asApproval = new Approval(by.Login, ApprovalSource.Comment, default) { Permission = by.Permission, Teams = by.Teams };
        return InSet(asApproval, owners) ? null : $"@{by.Login} is not a policy owner of `{project.Definition.Name}` (owners: {Describe(owners)})";
    }

    /// <summary>Approvals that count toward the project's own approval rule.</summary>
    public static int CountProjectApprovals(ProjectRunState project, string author) =>
        project.Approvals.Count(a => (!Same(a.User, author) || project.Definition.Apply.Approvals.AllowAuthor) && IsProjectApprover(a, project));

    /// <summary>Approvals that count toward a require_approval policy result.</summary>
    public static int CountPolicyApprovals(ProjectRunState project, PolicyViolation rule, string author) =>
        project.Approvals.Count(a => !Same(a.User, author) && InSet(a, rule.Approvers));

    /// <summary>Require-approval policy results that still apply (a policy override settles them too).</summary>
    public static IEnumerable<PolicyViolation> OpenPolicyApprovalRules(ProjectRunState project) =>
        project.PolicyOverride is null ? project.Policy?.ApprovalRules ?? [] : [];

    private static bool IsProjectApprover(Approval a, ProjectRunState project)
    {
        var rule = project.Definition.Apply.Approvals;
        var codeOwnersApply = rule.CodeOwners && project.CodeOwners.Count > 0;
        if (rule.Approvers.IsEmpty && !codeOwnersApply) return a.Permission >= RepoPermission.Write;
        return (!rule.Approvers.IsEmpty && InSet(a, rule.Approvers)) || (codeOwnersApply && IsCodeOwner(a, project.CodeOwners));
    }

    /// <summary>An empty set means "anyone with write permission".</summary>
    private static bool InSet(Approval a, PrincipalSet set) =>
        set.IsEmpty
            ? a.Permission >= RepoPermission.Write
            : set.Users.Any(u => Same(u.TrimStart('@'), a.User)) || set.Teams.Any(t => a.Teams.Any(m => Same(m, t.TrimStart('@'))));

    private static bool IsCodeOwner(Approval a, IReadOnlyList<string> owners) =>
        owners.Select(o => o.TrimStart('@')).Any(o => o.Contains('/', StringComparison.Ordinal) ? a.Teams.Any(t => Same(t, o)) : Same(o, a.User));

    private static string Describe(ApprovalRule rule, IReadOnlyList<string> codeOwners)
    {
        var parts = new List<string>();
        if (!rule.Approvers.IsEmpty) parts.Add(Describe(rule.Approvers));
        if (rule.CodeOwners && codeOwners.Count > 0) parts.Add("code owners " + string.Join(", ", codeOwners));
        return parts.Count == 0 ? "anyone with write permission" : string.Join("; ", parts);
    }

    public static string Describe(PrincipalSet set) =>
        set.IsEmpty ? "anyone with write permission" : string.Join(", ", set.Users.Select(u => "@" + u.TrimStart('@')).Concat(set.Teams.Select(t => "@" + t.TrimStart('@'))));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
