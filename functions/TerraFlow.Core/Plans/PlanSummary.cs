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

    /// <summary>
    /// The address the object had in the prior state (<c>previous_address</c>: a <c>moved</c> block, or a
    /// count/for_each move Terraform made by itself); null when Terraform did not report one.
    /// </summary>
    public string? PreviousAddress { get; init; }

    /// <summary>The object is imported by this plan (<c>change.importing</c>, Terraform 1.5+ <c>import</c> blocks).</summary>
    public bool Importing { get; init; }

    /// <summary>The ID of the imported object; null when the import names it another way (an identity) or not at all.</summary>
    public string? ImportId { get; init; }

    /// <summary>The object changes address in the state. Applying records the move, so it is a change even as a no-op.</summary>
    public bool IsMove => PreviousAddress is not null && !string.Equals(PreviousAddress, Address, StringComparison.Ordinal);
}

public sealed record OutputChange(string Name, ChangeAction Action, bool Sensitive);

/// <summary>
/// Counts as TerraFlow shows them: a replace is counted only under <see cref="Replace"/>, not as an add plus a destroy
/// (Terraform's own "Plan: X to add" line counts it in both). <see cref="Import"/> and <see cref="Move"/> count
/// resources whatever else happens to them, as Terraform's "1 to import" does: an imported resource that is also
/// updated counts under both Import and Change.
/// </summary>
public sealed record PlanCounts(int Add, int Change, int Destroy, int Replace, int Read, int Forget, int Import = 0, int Move = 0)
{
    public static readonly PlanCounts Zero = new(0, 0, 0, 0, 0, 0);

    /// <summary>
    /// Whether applying the plan changes anything, Terraform's own rule (exit code 2 of <c>plan -detailed-exitcode</c>):
    /// an import or a move alone is a change, because applying it writes the state. Reads are not.
    /// </summary>
    public bool HasChanges => Add + Change + Destroy + Replace + Forget + Import + Move > 0;
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
        int add = 0, change = 0, destroy = 0, replace = 0, read = 0, forget = 0, import = 0, move = 0;
        foreach (var c in changes)
        {
            if (c.Importing) import++;
            if (c.IsMove) move++;
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
        return new PlanCounts(add, change, destroy, replace, read, forget, import, move);
    }
}
