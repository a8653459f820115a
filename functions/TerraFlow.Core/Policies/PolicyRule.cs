using System.Text.Json.Serialization;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Policies;

/// <summary>
/// A built-in policy rule from <c>.terraflow.yml</c>: a severity plus exactly one check
/// (<see cref="Actions"/>, <see cref="MaxChanges"/>, <see cref="RequiredTags"/> or <see cref="AllowedValues"/>),
/// optionally narrowed to resources by <see cref="ResourceTypes"/> and <see cref="Addresses"/>.
/// </summary>
/// <remarks>
/// A flat record with nullable checks (rather than a class hierarchy) so that it travels inside
/// <see cref="ProjectDefinition"/> through the job transport's plain System.Text.Json serialization.
/// </remarks>
/// <param name="RequiredApprovals">For <see cref="PolicySeverity.RequireApproval"/>: approvals needed; 0 otherwise.</param>
/// <param name="Approvers">For <see cref="PolicySeverity.RequireApproval"/>: who may give them; empty = anyone with write permission.</param>
public sealed record PolicyRule(
    string Name,
    PolicySeverity Severity,
    int RequiredApprovals,
    PrincipalSet Approvers)
{
    /// <summary>Globs (<c>*</c> = any characters) on the resource type, e.g. <c>azurerm_key_vault*</c>. Empty = every type.</summary>
    public IReadOnlyList<string> ResourceTypes { get; init; } = [];

    /// <summary>Globs on the full resource address, e.g. <c>module.db.*</c>. Empty = every address.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Fails when a matching resource is planned for one of these actions.</summary>
    public IReadOnlyList<PolicyAction>? Actions { get; init; }

    /// <summary>Fails when more matching resources than this are created, updated, deleted or replaced.</summary>
    public int? MaxChanges { get; init; }

    /// <summary>Fails when a created matching resource that has a <c>tags</c> attribute lacks one of these keys.</summary>
    public IReadOnlyList<string>? RequiredTags { get; init; }

    /// <summary>Fails when a created or updated matching resource sets the attribute to a value outside the list.</summary>
    public AllowedValuesCheck? AllowedValues { get; init; }

    /// <summary>The one check this rule runs (the configuration parser guarantees exactly one); null when none is set.</summary>
    [JsonIgnore]
    public PolicyCheckKind? Check =>
        Actions is not null ? PolicyCheckKind.Actions
        : MaxChanges is not null ? PolicyCheckKind.MaxChanges
        : RequiredTags is not null ? PolicyCheckKind.RequiredTags
        : AllowedValues is not null ? PolicyCheckKind.AllowedValues
        : null;
}

public enum PolicyCheckKind { Actions, MaxChanges, RequiredTags, AllowedValues }

/// <summary>
/// What a rule's <c>actions:</c> list can name. A replacement (delete + create of one resource) also counts as a
/// <see cref="Delete"/> and as a <see cref="Create"/>: "never delete a key vault" must catch a forced replacement.
/// </summary>
public enum PolicyAction { Create, Update, Delete, Replace, Read }

/// <param name="Attribute">A top-level attribute name, or a dotted path into nested objects (<c>site_config.tls_version</c>).</param>
/// <param name="Values">Allowed values, compared as text (numbers and booleans as written in JSON).</param>
public sealed record AllowedValuesCheck(string Attribute, IReadOnlyList<string> Values);
