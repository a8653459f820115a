using System.Text.Json.Nodes;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>
/// Who may do what: collaborator permission and team membership, in the shapes of GitHub's REST docs
/// ("Get repository permissions for a user", "Get team membership for a user").
/// </summary>
internal sealed class FakeGitHubAccessEndpoints(FakeGitHubState state, FakeGitHubResponses responses, string apiUrl)
{
    /// <summary>The legacy <c>permission</c> field: maintain reads as write, triage as read (as on GitHub).</summary>
    public static string LegacyPermission(string roleName, string basePermission) => roleName switch
    {
        "admin" => "admin",
        "maintain" or "write" => "write",
        "triage" or "read" => "read",
        "none" => "none",
        _ => LegacyPermission(basePermission, "read"), // a custom role reports its base role
    };

    /// <summary>GET /repos/{owner}/{repo}/collaborators/{username}/permission.</summary>
    public FakeResponse CollaboratorPermission(string owner, string repo, string user)
    {
        if (state.FindCollaborator(owner, repo, user) is not { } c)
            return new FakeResponse(404, FakeGitHubResponses.Error(404, "Not Found",
                "/collaborators/collaborators#get-repository-permissions-for-a-user"));

        var permission = LegacyPermission(c.RoleName, c.BasePermission);
        var level = Rank(c.RoleName is "admin" or "maintain" or "write" or "triage" or "read" or "none" ? c.RoleName : c.BasePermission);
        var userJson = responses.User(c.User);
        userJson["permissions"] = new JsonObject
        {
            ["admin"] = level >= 5,
            ["maintain"] = level >= 4,
            ["push"] = level >= 3,
            ["triage"] = level >= 2,
            ["pull"] = level >= 1,
        };
        userJson["role_name"] = c.RoleName;
        return new FakeResponse(200, new JsonObject
        {
            ["permission"] = permission,
            ["role_name"] = c.RoleName,
            ["user"] = userJson,
        });
    }

    /// <summary>GET /orgs/{org}/teams/{team_slug}/memberships/{username}: 404 for non-members and unknown teams alike.</summary>
    public FakeResponse TeamMembership(string org, string team, string user)
    {
        if (state.FindTeamMembership(org, team, user) is not { } m)
            return new FakeResponse(404, FakeGitHubResponses.Error(404, "Not Found",
                "/teams/members#get-team-membership-for-a-user"));
        return new FakeResponse(200, new JsonObject
        {
            ["url"] = $"{apiUrl}/teams/{FakeGitHubResponses.RepoId(org, team)}/memberships/{user}",
            ["role"] = m.Role,
            ["state"] = m.State,
        });
    }

    private static int Rank(string role) => role switch
    {
        "admin" => 5,
        "maintain" => 4,
        "write" => 3,
        "triage" => 2,
        "read" => 1,
        _ => 0,
    };
}
