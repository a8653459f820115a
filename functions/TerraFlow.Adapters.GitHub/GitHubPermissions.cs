using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub;

/// <summary>Maps GitHub's permission vocabulary onto <see cref="RepoPermission"/>.</summary>
public static class GitHubPermissions
{
    /// <summary>
    /// GitHub's collaborator-permission answer has two fields: <c>permission</c> (the legacy four levels, where
    /// maintain reads as "write" and triage as "read") and <c>role_name</c> (the exact role, or the name of an
    /// organization's custom role). The exact role wins when it is one of the five base roles; a custom role falls
    /// back to <c>permission</c>, which GitHub sets to the custom role's base level. Anything unknown is None, so an
    /// unexpected answer never grants more than GitHub said.
    /// </summary>
    public static RepoPermission FromResponse(string? roleName, string? permission) =>
        Parse(roleName) ?? Parse(permission) ?? RepoPermission.None;

    /// <summary>One of "admin", "maintain", "write", "triage", "read", "none" (case-insensitive); "pull"/"push" too.</summary>
    public static RepoPermission? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "admin" => RepoPermission.Admin,
        "maintain" => RepoPermission.Maintain,
        "write" or "push" => RepoPermission.Write,
        "triage" => RepoPermission.Triage,
        "read" or "pull" => RepoPermission.Read,
        "none" => RepoPermission.None,
        _ => null,
    };

    /// <summary>Splits "org/team-slug" (or "@org/team-slug"); throws <see cref="ArgumentException"/> for anything else.</summary>
    public static (string Org, string Slug) SplitTeam(string team)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(team);
        var parts = team.Trim().TrimStart('@').Split('/');
        if (parts is not [{ Length: > 0 } org, { Length: > 0 } slug])
            throw new ArgumentException($"Team '{team}' must be written as org/team-slug.", nameof(team));
        return (org, slug);
    }
}
