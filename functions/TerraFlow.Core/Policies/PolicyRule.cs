using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Policies;

/// <summary>A built-in policy rule from <c>.terraflow.yml</c>. (Shape owned by the policy work; extended there.)</summary>
public sealed record PolicyRule(
    string Name,
    PolicySeverity Severity,
    int RequiredApprovals,
    PrincipalSet Approvers);
