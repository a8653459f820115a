using TerraFlow.Core.Policies;
using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>Reads the <c>policies:</c> list of built-in rules (schema in README.md next to this file).</summary>
internal static class PolicyRuleReader
{
    private static readonly string[] RuleKeys =
        ["name", "severity", "approvals", "resource_types", "addresses", "actions", "max_changes", "required_tags", "allowed_values"];

    private static readonly string[] Checks = ["actions", "max_changes", "required_tags", "allowed_values"];
    private static readonly string[] RuleApprovalKeys = ["count", "users", "teams"];
    private static readonly string[] AllowedValuesKeys = ["attribute", "values"];

    private static readonly (string Name, PolicySeverity Value)[] Severities =
        [("deny", PolicySeverity.Deny), ("warn", PolicySeverity.Warn), ("require_approval", PolicySeverity.RequireApproval)];

    private static readonly (string Name, PolicyAction Value)[] ActionNames =
    [
        ("create", PolicyAction.Create), ("update", PolicyAction.Update), ("delete", PolicyAction.Delete),
        ("replace", PolicyAction.Replace), ("read", PolicyAction.Read),
    ];

    public static IReadOnlyList<(PolicyRule Rule, YamlNode NameNode)> ReadList(YamlMappingNode parent, string where)
    {
        if (Get(parent, "policies") is not { } node) return [];
        if (node is not YamlSequenceNode sequence)
            throw Problem(node, $"'policies' in {where} must be a list of rules, found {Describe(node)}");
        var rules = sequence.Children.Select((item, index) => Read(item, $"policy #{index + 1} in {where}")).ToList();
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (rule, nameNode) in rules)
        {
            if (!seen.TryAdd(rule.Name, nameNode))
                throw Problem(nameNode, $"duplicate policy name '{rule.Name}' in {where}; the policy at line {seen[rule.Name].Start.Line} already uses it");
        }
        return rules;
    }

    private static (PolicyRule, YamlNode) Read(YamlNode node, string where)
    {
        var mapping = Mapping(node, where);
        CheckKeys(mapping, RuleKeys, where);
        var name = String(mapping, "name") ?? throw Problem(mapping, $"{where} is missing required key 'name'");
        where = $"policy '{name}'";
        var severityText = String(mapping, "severity")
            ?? throw Problem(mapping, $"{where} is missing required key 'severity' (deny, warn or require_approval)");
        var severity = LifecycleKeys.ChoiceOf(severityText, Get(mapping, "severity")!, "severity", Severities, where);

        var (count, approvers) = (0, PrincipalSet.Anyone);
        if (Get(mapping, "approvals") is { } approvalsNode)
        {
            if (severity != PolicySeverity.RequireApproval)
                throw Problem(approvalsNode, $"{where}: 'approvals' only applies to severity require_approval, not {severityText}");
            var approvals = Mapping(approvalsNode, $"'approvals' of {where}");
            CheckKeys(approvals, RuleApprovalKeys, $"'approvals' of {where}");
            count = Int(approvals, "count") ?? 1;
            if (count < 1) throw Problem(Get(approvals, "count")!, $"{where}: approvals 'count' must be at least 1, found {count}");
            approvers = LifecycleKeys.Principals(approvals, where);
        }
        else if (severity == PolicySeverity.RequireApproval)
        {
            count = 1;
        }

        var checks = Checks.Where(c => Get(mapping, c) is not null).ToList();
        if (checks.Count != 1)
        {
            throw checks.Count == 0
                ? Problem(mapping, $"{where} needs exactly one check: {string.Join(", ", Checks)}")
                : Problem(Get(mapping, checks[1])!, $"{where} has more than one check ({string.Join(", ", checks)}); split it into one rule per check");
        }

        var rule = new PolicyRule(name, severity, count, approvers)
        {
            ResourceTypes = Patterns(mapping, "resource_types"),
            Addresses = Patterns(mapping, "addresses"),
        };
        return (checks[0] switch
        {
            "actions" => rule with { Actions = Actions(mapping, where) },
            "max_changes" => rule with { MaxChanges = MaxChanges(mapping, where) },
            "required_tags" => rule with { RequiredTags = NonEmptyList(mapping, "required_tags", where) },
            _ => rule with { AllowedValues = AllowedValues(Get(mapping, "allowed_values")!, where) },
        }, Get(mapping, "name")!);
    }

    private static IReadOnlyList<string> Patterns(YamlMappingNode mapping, string key) =>
        StringList(mapping, key)?.Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList() ?? [];

    private static IReadOnlyList<PolicyAction> Actions(YamlMappingNode mapping, string where)
    {
        var items = StringList(mapping, "actions")!;
        if (items.Count == 0) throw Problem(Get(mapping, "actions")!, $"{where}: 'actions' must name at least one of create, update, delete, replace, read");
        return items.Select(i => LifecycleKeys.ChoiceOf(i.Value, i.Node, "actions", ActionNames, where)).Distinct().ToList();
    }

    private static int MaxChanges(YamlMappingNode mapping, string where)
    {
        var max = Int(mapping, "max_changes")!.Value;
        if (max < 0) throw Problem(Get(mapping, "max_changes")!, $"{where}: 'max_changes' must be 0 or more, found {max}");
        return max;
    }

    private static IReadOnlyList<string> NonEmptyList(YamlMappingNode mapping, string key, string where)
    {
        var items = StringList(mapping, key)!;
        if (items.Count == 0) throw Problem(Get(mapping, key)!, $"{where}: '{key}' must not be empty");
        return items.Select(i => i.Value).Distinct(StringComparer.Ordinal).ToList();
    }

    private static AllowedValuesCheck AllowedValues(YamlNode node, string where)
    {
        var what = $"'allowed_values' of {where}";
        var mapping = Mapping(node, what);
        CheckKeys(mapping, AllowedValuesKeys, what);
        var attribute = String(mapping, "attribute") ?? throw Problem(mapping, $"{what} is missing required key 'attribute'");
        if (attribute.Split('.').Any(s => s.Length == 0 || s.Any(char.IsWhiteSpace)))
            throw Problem(Get(mapping, "attribute")!, $"{what}: attribute '{attribute}' must be a name or a dotted path like site_config.min_tls_version");
        if (Get(mapping, "values") is null) throw Problem(mapping, $"{what} is missing required key 'values'");
        return new AllowedValuesCheck(attribute, NonEmptyList(mapping, "values", what));
    }
}
