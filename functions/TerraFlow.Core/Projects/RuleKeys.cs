namespace TerraFlow.Core.Projects;

/// <summary>
/// Which <c>.terraflow.yml</c> keys are <em>rules</em> (who may apply what, when, under which policies) and which are
/// project shape. Rules are read from the pull request's base commit, because a pull request must not be able to
/// approve itself by editing them; project shape (<c>version</c>, <c>autoplan</c>, <c>projects</c> with <c>name</c>,
/// <c>dir</c>, <c>workspace</c>, <c>when_modified</c>, <c>depends_on</c>, <c>autoplan</c>) comes from the head commit,
/// since it only says what to plan. <c>TerraFlow__RepoConfig__AllowedOverrides</c> can let named rule keys come from
/// the head for matching repositories.
/// </summary>
public static class RuleKeys
{
    public const string Apply = "apply";
    public const string ApplyRequirements = "apply_requirements";
    public const string Approvals = "approvals";
    public const string Lock = "lock";
    public const string PolicyOwners = "policy_owners";
    public const string Policies = "policies";
    public const string PolicyPaths = "policy_paths";

    /// <summary>Every rule key, in the order the README lists them (the same keys the parser accepts as lifecycle keys).</summary>
    public static IReadOnlyList<string> All { get; } = [Apply, ApplyRequirements, Approvals, Lock, PolicyOwners, Policies, PolicyPaths];

    public static bool IsRuleKey(string key) => All.Contains(key, StringComparer.Ordinal);
}
