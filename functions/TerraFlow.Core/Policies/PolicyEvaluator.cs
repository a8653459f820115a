using System.Text.Json;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Policies;

/// <summary>
/// Evaluates a project's built-in <see cref="PolicyRule"/>s over the JSON form of its plan
/// (<c>terraform show -json</c>, or OpenTofu's). Pure: reads only the bytes or stream it is given.
/// </summary>
public static class PolicyEvaluator
{
    public const string Source = "terraflow";

    // Plans with secrets in them go deep; the default depth of 64 is too shallow for some provider schemas.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// One <see cref="PolicyViolation"/> per failing rule, in rule order. A plan that cannot be read gives an outcome
    /// with <see cref="PolicyOutcome.Error"/> set (which denies); no rules gives <see cref="PolicyOutcome.Passed"/>
    /// without reading the plan at all.
    /// </summary>
    public static PolicyOutcome Evaluate(IReadOnlyList<PolicyRule> rules, ReadOnlyMemory<byte> planJson)
    {
        if (rules.Count == 0) return PolicyOutcome.Passed;
        try
        {
            using var document = JsonDocument.Parse(planJson, DocumentOptions);
            return Evaluate(rules, document);
        }
        catch (JsonException ex)
        {
            return Unreadable(ex.Message);
        }
    }

    /// <summary>As <see cref="Evaluate(IReadOnlyList{PolicyRule}, ReadOnlyMemory{byte})"/>; the stream is read to its end and not disposed.</summary>
    public static async Task<PolicyOutcome> EvaluateAsync(IReadOnlyList<PolicyRule> rules, Stream planJson, CancellationToken ct)
    {
        if (rules.Count == 0) return PolicyOutcome.Passed;
        try
        {
            using var document = await JsonDocument.ParseAsync(planJson, DocumentOptions, ct);
            return Evaluate(rules, document);
        }
        catch (JsonException ex)
        {
            return Unreadable(ex.Message);
        }
    }

    private static PolicyOutcome Evaluate(IReadOnlyList<PolicyRule> rules, JsonDocument document)
    {
        IReadOnlyList<PlannedResource> resources;
        try
        {
            resources = PlannedResource.ReadAll(document);
        }
        catch (FormatException ex)
        {
            return Unreadable(ex.Message);
        }

        var violations = new List<PolicyViolation>();
        foreach (var rule in rules)
        {
            var matching = resources
                .Where(r => ResourceGlob.AnyMatch(rule.ResourceTypes, r.Type) && ResourceGlob.AnyMatch(rule.Addresses, r.Address))
                .ToList();
            var failure = rule.Check switch
            {
                PolicyCheckKind.Actions => PolicyChecks.Actions(rule, matching),
                PolicyCheckKind.MaxChanges => PolicyChecks.MaxChanges(rule, matching),
                PolicyCheckKind.RequiredTags => PolicyChecks.RequiredTags(rule, matching),
                PolicyCheckKind.AllowedValues => PolicyChecks.AllowedValues(rule, matching),
                _ => null, // a rule without a check (not possible from .terraflow.yml) checks nothing
            };
            if (failure is null) continue;
            var approvals = rule.Severity == PolicySeverity.RequireApproval;
            violations.Add(new PolicyViolation(
                rule.Name, Source, rule.Severity, failure.Value.Message, failure.Value.Resources,
                approvals ? Math.Max(1, rule.RequiredApprovals) : 0,
                approvals ? rule.Approvers : PrincipalSet.Anyone));
        }
        return violations.Count == 0 ? PolicyOutcome.Passed : new PolicyOutcome(violations, null);
    }

    private static PolicyOutcome Unreadable(string detail) =>
        new([], $"The plan JSON could not be read for the policy check: {detail}");
}
