namespace TerraFlow.Core.Plans;

/// <summary>What one resource instance will do, in Terraform's own vocabulary.</summary>
public enum ChangeAction
{
    NoOp,
    Create,
    Read,
    Update,
    Delete,
    /// <summary>Replace: ["delete","create"] (the default order).</summary>
    DeleteThenCreate,
    /// <summary>Replace: ["create","delete"] (create_before_destroy).</summary>
    CreateThenDelete,
    /// <summary>Removed from state without destroying (Terraform 1.7+ "removed" blocks).</summary>
    Forget,
    /// <summary>
    /// Replace whose old object is left alive: ["create","forget"] (lifecycle <c>destroy = false</c>). Terraform shows
    /// it as "must be replaced, but the existing object will not be destroyed"; TerraFlow counts it as a replace.
    /// </summary>
    CreateThenForget,
    /// <summary>The reverse order of <see cref="CreateThenForget"/>: ["forget","create"] (newer Terraform releases).</summary>
    ForgetThenCreate,
}

/// <summary>One attribute that differs between before and after; values are already display strings, masked if sensitive.</summary>
public sealed record AttributeDiff(string Path, string? Before, string? After, bool Sensitive, bool KnownAfterApply);

/// <summary>One entry of <c>resource_changes</c> or <c>resource_drift</c>.</summary>
public sealed record ResourceChange(
    string Address,
    string? ModuleAddress,
    string Mode,
    string Type,
    string Name,
    ChangeAction Action,
    string? ActionReason,
    IReadOnlyList<AttributeDiff> Diffs)
{
    public bool IsReplace => Action is ChangeAction.DeleteThenCreate or ChangeAction.CreateThenDelete
        or ChangeAction.CreateThenForget or ChangeAction.ForgetThenCreate;
}

public sealed record OutputChange(string Name, ChangeAction Action, bool Sensitive);

/// <summary>
/// Counts as TerraFlow shows them: a replace is counted only under <see cref="Replace"/>, not as an add plus a destroy
/// (Terraform's own "Plan: X to add" line counts it in both).
/// </summary>
public sealed record PlanCounts(int Add, int Change, int Destroy, int Replace, int Read, int Forget)
{
    public static readonly PlanCounts Zero = new(0, 0, 0, 0, 0, 0);
    public bool HasChanges => Add + Change + Destroy + Replace + Forget > 0;
}

/// <summary>The parts of <c>terraform show -json</c> TerraFlow uses.</summary>
public sealed record PlanSummary(
    string FormatVersion,
    string? TerraformVersion,
    IReadOnlyList<ResourceChange> ResourceChanges,
    IReadOnlyList<ResourceChange> ResourceDrift,
    IReadOnlyList<OutputChange> OutputChanges,
    bool Errored)
{
    public PlanCounts Counts => PlanCountsCalculator.Count(ResourceChanges);
}

public static class PlanCountsCalculator
{
    public static PlanCounts Count(IEnumerable<ResourceChange> changes)
    {
        int add = 0, change = 0, destroy = 0, replace = 0, read = 0, forget = 0;
        foreach (var c in changes)
        {
            switch (c.Action)
            {
                case ChangeAction.Create: add++; break;
                case ChangeAction.Update: change++; break;
                case ChangeAction.Delete: destroy++; break;
                case ChangeAction.DeleteThenCreate or ChangeAction.CreateThenDelete
                    or ChangeAction.CreateThenForget or ChangeAction.ForgetThenCreate: replace++; break;
                case ChangeAction.Read: read++; break;
                case ChangeAction.Forget: forget++; break;
            }
        }
        return new PlanCounts(add, change, destroy, replace, read, forget);
    }
}
