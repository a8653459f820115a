namespace TerraFlow.Core.Projects;

/// <summary>When a planned project is applied.</summary>
public enum ApplyTrigger
{
    /// <summary>Only when someone comments <c>terraflow apply</c>.</summary>
    Manual,
    /// <summary>As soon as the apply requirements hold after an approval.</summary>
    OnApproval,
    /// <summary>When the pull request is merged.</summary>
    OnMerge,
}

/// <summary>What must hold before a project may be applied. Checked when an approval arrives and again when an apply is claimed.</summary>
public enum ApplyRequirement
{
    /// <summary>Enough approvals from eligible approvers (see <see cref="ApprovalRule"/>).</summary>
    Approved,
    /// <summary>The VCS host says the pull request can be merged (no conflicts, required checks).</summary>
    Mergeable,
    /// <summary>The pull request's branch is not behind its base branch.</summary>
    Undiverged,
    /// <summary>No policy denies the plan (or a policy owner overrode it).</summary>
    PoliciesPassed,
}

/// <summary>When the project lock (repository + dir + workspace) is taken. It is released on merge, close or unlock.</summary>
public enum LockTiming { Plan, Apply, Merge }

/// <summary>
/// A set of people: user logins (without '@') and teams written <c>org/team-slug</c>. Empty means "anyone with write
/// permission on the repository".
/// </summary>
public sealed record PrincipalSet(IReadOnlyList<string> Users, IReadOnlyList<string> Teams)
{
    public static readonly PrincipalSet Anyone = new([], []);

    public bool IsEmpty => Users.Count == 0 && Teams.Count == 0;
}

/// <param name="Count">Approvals needed.</param>
/// <param name="Approvers">Who may approve; empty = anyone with write permission.</param>
/// <param name="CodeOwners">The CODEOWNERS of the project's changed files may approve too (and, when
/// <paramref name="Approvers"/> is empty, only they may).</param>
/// <param name="AllowAuthor">Whether the pull request's author may approve their own change.</param>
public sealed record ApprovalRule(int Count, PrincipalSet Approvers, bool CodeOwners, bool AllowAuthor)
{
    public static readonly ApprovalRule Default = new(1, PrincipalSet.Anyone, false, false);
}

/// <summary>The apply-related settings of one project (repository-wide defaults merged with the project's own keys).</summary>
/// <param name="PolicyOwners">Who may override a denying policy with <c>terraflow approve-policies</c>; empty = repository admins.</param>
public sealed record ApplySettings(
    ApplyTrigger When,
    IReadOnlyList<ApplyRequirement> Requirements,
    ApprovalRule Approvals,
    LockTiming LockAt,
    PrincipalSet PolicyOwners)
{
    public static readonly ApplySettings Default = new(
        ApplyTrigger.Manual, [ApplyRequirement.Approved, ApplyRequirement.PoliciesPassed], ApprovalRule.Default, LockTiming.Plan, PrincipalSet.Anyone);
}
