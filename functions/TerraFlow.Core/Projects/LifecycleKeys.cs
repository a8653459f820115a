using TerraFlow.Core.Policies;
using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>
/// The apply and policy keys a mapping may hold, both at the top level of <c>.terraflow.yml</c> (repository-wide
/// defaults) and in a project (overriding them). Absent keys stay null so a project can tell "not set" from "set".
/// </summary>
internal sealed record LifecycleKeys(
    ApplyTrigger? When,
    IReadOnlyList<ApplyRequirement>? Requirements,
    ApprovalRule? Approvals,
    LockTiming? LockAt,
    PrincipalSet? PolicyOwners,
    IReadOnlyList<(PolicyRule Rule, YamlNode NameNode)> Policies,
    IReadOnlyList<string> PolicyPaths)
{
    public static readonly string[] Keys = ["apply", "apply_requirements", "approvals", "lock", "policy_owners", "policies", "policy_paths"];

    public static readonly LifecycleKeys None = new(null, null, null, null, null, [], []);

    private static readonly (string Name, ApplyTrigger Value)[] Triggers =
        [("manual", ApplyTrigger.Manual), ("on_approval", ApplyTrigger.OnApproval), ("on_merge", ApplyTrigger.OnMerge)];

    private static readonly (string Name, ApplyRequirement Value)[] RequirementNames =
    [
        ("approved", ApplyRequirement.Approved), ("mergeable", ApplyRequirement.Mergeable),
        ("undiverged", ApplyRequirement.Undiverged), ("policies_passed", ApplyRequirement.PoliciesPassed),
    ];

    private static readonly (string Name, LockTiming Value)[] LockNames =
        [("plan", LockTiming.Plan), ("apply", LockTiming.Apply), ("merge", LockTiming.Merge)];

    private static readonly string[] ApprovalKeys = ["count", "users", "teams", "codeowners", "allow_author"];
    private static readonly string[] OwnerKeys = ["users", "teams"];

    public static LifecycleKeys Read(YamlMappingNode mapping, string where)
    {
        var when = Choice(mapping, "apply", Triggers, where);
        var requirements = StringList(mapping, "apply_requirements")
            ?.Select(item => ChoiceOf(item.Value, item.Node, "apply_requirements", RequirementNames, where))
            .Distinct()
            .ToList();
        var approvals = Get(mapping, "approvals") is { } approvalsNode ? ReadApprovals(approvalsNode, where) : null;
        var lockAt = Choice(mapping, "lock", LockNames, where);
        PrincipalSet? owners = null;
        if (Get(mapping, "policy_owners") is { } ownersNode)
        {
            var ownersMapping = Mapping(ownersNode, $"'policy_owners' in {where}");
            CheckKeys(ownersMapping, OwnerKeys, $"'policy_owners' in {where}");
            owners = Principals(ownersMapping, where);
        }
        var policies = PolicyRuleReader.ReadList(mapping, where);
        List<string> paths = [];
        foreach (var (text, node) in StringList(mapping, "policy_paths") ?? [])
        {
            if (!RepoPath.TryNormalize(text, out var path, out var problem))
                throw Problem(node, $"{where}: policy_paths {problem}");
            if (!paths.Contains(path)) paths.Add(path);
        }
        return new LifecycleKeys(when, requirements, approvals, lockAt, owners, policies, paths.Count == 0 ? [] : paths);
    }

    /// <summary>This mapping's keys over <paramref name="repositoryWide"/>: set keys win, policies and policy paths add up.</summary>
    public LifecycleKeys Over(LifecycleKeys repositoryWide)
    {
        var policies = repositoryWide.Policies.Concat(Policies).ToList();
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (rule, node) in policies)
        {
            if (!seen.TryAdd(rule.Name, node))
                throw Problem(node, $"duplicate policy name '{rule.Name}'; the policy at line {seen[rule.Name].Start.Line} already uses it. Policy names must be unique for a project, repository-wide ones included");
        }
        return new LifecycleKeys(
            When ?? repositoryWide.When,
            Requirements ?? repositoryWide.Requirements,
            Approvals ?? repositoryWide.Approvals,
            LockAt ?? repositoryWide.LockAt,
            PolicyOwners ?? repositoryWide.PolicyOwners,
            policies,
            PolicyPaths.Count == 0 ? repositoryWide.PolicyPaths : repositoryWide.PolicyPaths.Concat(PolicyPaths).Distinct(StringComparer.Ordinal).ToList());
    }

    // Unset keys keep the shared default instances, so definitions without lifecycle keys still compare equal
    // (records compare lists by reference).
    public ApplySettings Settings => When is null && Requirements is null && Approvals is null && LockAt is null && PolicyOwners is null
        ? ApplySettings.Default
        : new(
        When ?? ApplySettings.Default.When,
        Requirements ?? ApplySettings.Default.Requirements,
        Approvals ?? ApplySettings.Default.Approvals,
        LockAt ?? ApplySettings.Default.LockAt,
        PolicyOwners ?? ApplySettings.Default.PolicyOwners);

    public IReadOnlyList<PolicyRule> Rules => Policies.Count == 0 ? [] : Policies.Select(p => p.Rule).ToList();

    /// <summary>Gives <paramref name="definition"/> these settings, policies and policy paths.</summary>
    public ProjectDefinition ApplyTo(ProjectDefinition definition) =>
        definition with { Apply = Settings, Policies = Rules, PolicyPaths = PolicyPaths };

    private static ApprovalRule ReadApprovals(YamlNode node, string where)
    {
        var what = $"'approvals' in {where}";
        var mapping = Mapping(node, what);
        CheckKeys(mapping, ApprovalKeys, what);
        var count = Int(mapping, "count") ?? 1;
        if (count < 1) throw Problem(Get(mapping, "count")!, $"{what}: 'count' must be at least 1, found {count}");
        return new ApprovalRule(count, Principals(mapping, where), Bool(mapping, "codeowners") ?? false, Bool(mapping, "allow_author") ?? false);
    }

    /// <summary>
    /// <c>users</c> (logins; a leading '@' is dropped) and <c>teams</c> (<c>org/team-slug</c>) of a mapping. Shared with
    /// policy rules' <c>approvals</c>.
    /// </summary>
    public static PrincipalSet Principals(YamlMappingNode mapping, string where)
    {
        var users = new List<string>();
        foreach (var (value, node) in StringList(mapping, "users") ?? [])
        {
            var login = value.TrimStart('@');
            if (login.Length == 0 || login.Any(c => char.IsWhiteSpace(c) || c == '/'))
                throw Problem(node, $"{where}: user '{value}' is not a login; teams go under 'teams' as org/team-slug");
            if (!users.Contains(login, StringComparer.OrdinalIgnoreCase)) users.Add(login);
        }
        var teams = new List<string>();
        foreach (var (value, node) in StringList(mapping, "teams") ?? [])
        {
            var team = value.TrimStart('@');
            var parts = team.Split('/');
            if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
                throw Problem(node, $"{where}: team '{value}' must be written org/team-slug, e.g. 'my-org/platform'");
            if (!teams.Contains(team, StringComparer.OrdinalIgnoreCase)) teams.Add(team);
        }
        return users.Count == 0 && teams.Count == 0 ? PrincipalSet.Anyone : new PrincipalSet(users, teams);
    }

    private static T? Choice<T>(YamlMappingNode mapping, string key, (string Name, T Value)[] choices, string where) where T : struct
    {
        var text = String(mapping, key);
        return text is null ? null : ChoiceOf(text, Get(mapping, key)!, key, choices, where);
    }

    public static T ChoiceOf<T>(string text, YamlNode node, string key, (string Name, T Value)[] choices, string where)
    {
        foreach (var (name, value) in choices)
            if (name == text) return value;
        throw Problem(node, $"{where}: '{key}' must be one of {string.Join(", ", choices.Select(c => c.Name))}, found '{text}'");
    }
}
