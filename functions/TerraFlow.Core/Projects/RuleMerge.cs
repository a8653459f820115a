using System.Text.Json;
using TerraFlow.Core.Policies;

namespace TerraFlow.Core.Projects;

/// <summary>A rule key the head commit set differently from the base, and which therefore did not count.</summary>
public sealed record IgnoredRule(string Project, IReadOnlyList<string> Keys);

/// <param name="Projects">The head's projects carrying the base's rules (and allowed overrides).</param>
/// <param name="Ignored">Per project, the rule keys whose head value differs from the base and was not used.</param>
public sealed record MergedRules(IReadOnlyList<ProjectDefinition> Projects, IReadOnlyList<IgnoredRule> Ignored);

/// <summary>
/// Combines the head commit's projects with the base commit's rules (see <see cref="RuleKeys"/>). A head project gets
/// the rules of the base project with the same dir and workspace (what it plans and locks), else of the base project
/// with the same name, else the base's repository-wide rules; without a base configuration file, the defaults.
/// Renaming or moving a project therefore never escapes stricter per-project rules for the same directory.
/// </summary>
public static class RuleMerge
{
    /// <param name="headProjects">Projects as discovered at the head (their rule keys are the head's own).</param>
    /// <param name="baseConfig">The base commit's parsed configuration, or null when the base has none.</param>
    /// <param name="allowedFromHead">Rule keys the operator lets the head set for this repository.</param>
    /// <param name="baseCommit">The commit <paramref name="baseConfig"/> was read from; policy files come from it.</param>
    /// <param name="headCommit">The head commit; policy files come from it only when <c>policy_paths</c> is allowed.</param>
    public static MergedRules Merge(
        IReadOnlyList<ProjectDefinition> headProjects,
        RepoConfig? baseConfig,
        IReadOnlySet<string> allowedFromHead,
        string baseCommit,
        string headCommit)
    {
        var projects = new List<ProjectDefinition>(headProjects.Count);
        var ignored = new List<IgnoredRule>();
        foreach (var head in headProjects)
        {
            var rules = BaseRulesFor(head, baseConfig);
            bool Allowed(string key) => allowedFromHead.Contains(key);
            var merged = head with
            {
                Apply = new ApplySettings(
                    Allowed(RuleKeys.Apply) ? head.Apply.When : rules.Apply.When,
                    Allowed(RuleKeys.ApplyRequirements) ? head.Apply.Requirements : rules.Apply.Requirements,
                    Allowed(RuleKeys.Approvals) ? head.Apply.Approvals : rules.Apply.Approvals,
                    Allowed(RuleKeys.Lock) ? head.Apply.LockAt : rules.Apply.LockAt,
                    Allowed(RuleKeys.PolicyOwners) ? head.Apply.PolicyOwners : rules.Apply.PolicyOwners),
                Policies = Allowed(RuleKeys.Policies) ? head.Policies : rules.Policies,
                PolicyPaths = Allowed(RuleKeys.PolicyPaths) ? head.PolicyPaths : rules.PolicyPaths,
                PolicyCommit = Allowed(RuleKeys.PolicyPaths) ? headCommit : baseCommit,
            };
            // Keep the shared default instance when nothing differs, like the parser does.
            if (SameSettings(merged.Apply, ApplySettings.Default))
                merged = merged with { Apply = ApplySettings.Default };
            projects.Add(merged);

            var differing = Differences(head, rules).Where(k => !Allowed(k)).ToList();
            if (differing.Count > 0) ignored.Add(new IgnoredRule(head.Name, differing));
        }
        return new MergedRules(projects, ignored);
    }

    /// <summary>The base's rules for a head project (only the rule properties of the result matter).</summary>
    private static ProjectDefinition BaseRulesFor(ProjectDefinition head, RepoConfig? baseConfig)
    {
        if (baseConfig is null) return head with { Apply = ApplySettings.Default, Policies = [], PolicyPaths = [] };
        var match = baseConfig.Projects.FirstOrDefault(p => p.Dir == head.Dir && p.Workspace == head.Workspace)
            ?? baseConfig.Projects.FirstOrDefault(p => p.Name == head.Name);
        return match ?? baseConfig.WithRepositoryDefaults(head);
    }

    /// <summary>The rule keys whose values differ between two projects' settings.</summary>
    public static IReadOnlyList<string> Differences(ProjectDefinition a, ProjectDefinition b)
    {
        var keys = new List<string>();
        if (a.Apply.When != b.Apply.When) keys.Add(RuleKeys.Apply);
        if (!a.Apply.Requirements.SequenceEqual(b.Apply.Requirements)) keys.Add(RuleKeys.ApplyRequirements);
        if (!SameApprovals(a.Apply.Approvals, b.Apply.Approvals)) keys.Add(RuleKeys.Approvals);
        if (a.Apply.LockAt != b.Apply.LockAt) keys.Add(RuleKeys.Lock);
        if (!SamePrincipals(a.Apply.PolicyOwners, b.Apply.PolicyOwners)) keys.Add(RuleKeys.PolicyOwners);
        if (!SamePolicies(a.Policies, b.Policies)) keys.Add(RuleKeys.Policies);
        if (!a.PolicyPaths.SequenceEqual(b.PolicyPaths, StringComparer.Ordinal)) keys.Add(RuleKeys.PolicyPaths);
        return keys;
    }

    private static bool SameSettings(ApplySettings a, ApplySettings b) =>
        a.When == b.When && a.Requirements.SequenceEqual(b.Requirements) && SameApprovals(a.Approvals, b.Approvals)
        && a.LockAt == b.LockAt && SamePrincipals(a.PolicyOwners, b.PolicyOwners);

    private static bool SameApprovals(ApprovalRule a, ApprovalRule b) =>
        a.Count == b.Count && a.CodeOwners == b.CodeOwners && a.AllowAuthor == b.AllowAuthor && SamePrincipals(a.Approvers, b.Approvers);

    private static bool SamePrincipals(PrincipalSet a, PrincipalSet b) =>
        a.Users.SequenceEqual(b.Users, StringComparer.OrdinalIgnoreCase) && a.Teams.SequenceEqual(b.Teams, StringComparer.OrdinalIgnoreCase);

    // Rules are flat records of lists and scalars (they already travel as JSON); comparing their JSON compares every field.
    private static bool SamePolicies(IReadOnlyList<PolicyRule> a, IReadOnlyList<PolicyRule> b) =>
        a.Count == b.Count && JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
