namespace TerraFlow.Core.Policies;

/// <summary>Combining results from several policy sources into one <see cref="PolicyOutcome"/>.</summary>
public static class PolicyOutcomes
{
    /// <summary>Violations in the order given; errors joined (any error denies). No violations and no error → <see cref="PolicyOutcome.Passed"/>.</summary>
    public static PolicyOutcome Combine(params IEnumerable<PolicyOutcome> outcomes)
    {
        var list = outcomes.ToList();
        var violations = list.SelectMany(o => o.Violations).ToList();
        var errors = list.Select(o => o.Error).Where(e => e is not null).ToList();
        if (violations.Count == 0 && errors.Count == 0) return PolicyOutcome.Passed;
        return new PolicyOutcome(violations, errors.Count == 0 ? null : string.Join("\n", errors));
    }
}
