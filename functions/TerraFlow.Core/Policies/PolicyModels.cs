using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Policies;

/// <summary>What a failing rule does to the project.</summary>
public enum PolicySeverity
{
    /// <summary>The project cannot be applied unless a policy owner overrides (<c>terraflow approve-policies</c>).</summary>
    Deny,
    /// <summary>Shown in the comment; nothing is blocked.</summary>
    Warn,
    /// <summary>The project needs extra approvals from the rule's approvers.</summary>
    RequireApproval,
}

/// <summary>
/// One failed check: which rule, which resources, why. Built-in rules and conftest results both end up as these.
/// </summary>
/// <param name="Source">"terraflow" for built-in rules, "conftest" for OPA policies.</param>
/// <param name="RequiredApprovals">For <see cref="PolicySeverity.RequireApproval"/>: approvals needed from <paramref name="Approvers"/>.</param>
public sealed record PolicyViolation(
    string Rule,
    string Source,
    PolicySeverity Severity,
    string Message,
    IReadOnlyList<string> Resources,
    int RequiredApprovals,
    PrincipalSet Approvers);

/// <summary>The policy result of one project's plan.</summary>
/// <param name="Error">Set when the policies could not be evaluated (e.g. conftest failed); treated as a deny.</param>
public sealed record PolicyOutcome(IReadOnlyList<PolicyViolation> Violations, string? Error)
{
    public static readonly PolicyOutcome Passed = new([], null);

    public bool Denied => Error is not null || Violations.Any(v => v.Severity == PolicySeverity.Deny);

    public IEnumerable<PolicyViolation> ApprovalRules => Violations.Where(v => v.Severity == PolicySeverity.RequireApproval);
}
