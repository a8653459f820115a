using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// How TerraFlow names GitLab things. A GitLab project is <see cref="RepoRef.Owner"/> = its namespace path (which
/// may contain '/', "group/subgroup") and <see cref="RepoRef.Name"/> = the project path; the API accepts the
/// URL-encoded full path wherever it wants a project id ("group%2Fsubgroup%2Finfra").
/// </summary>
public static class GitLabPaths
{
    /// <summary>The API id of the project: its full path, URL-encoded as one path segment.</summary>
    public static string ProjectId(RepoRef repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        return Uri.EscapeDataString(repo.Owner + "/" + repo.Name);
    }

    /// <summary>"group/subgroup/infra" → ("group/subgroup", "infra"), split at the last '/'.</summary>
    public static RepoRef RepoFromPath(string pathWithNamespace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathWithNamespace);
        var path = pathWithNamespace.Trim().Trim('/');
        var slash = path.LastIndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
            throw new ArgumentException($"GitLab project path '{pathWithNamespace}' must be namespace/project.", nameof(pathWithNamespace));
        return new RepoRef(path[..slash], path[(slash + 1)..], InstallationId: null);
    }

    /// <summary>The group path of a team written as in CODEOWNERS ("@group/subgroup" or "group/subgroup").</summary>
    public static string GroupId(string team)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(team);
        var path = team.Trim().TrimStart('@').Trim('/');
        if (path.Length == 0) throw new ArgumentException($"Group '{team}' is empty.", nameof(team));
        return Uri.EscapeDataString(path);
    }

    /// <summary>
    /// GitLab's access levels onto <see cref="RepoPermission"/>: 50 owner → Admin, 40 maintainer → Maintain,
    /// 30 developer → Write, 20 reporter / 15 planner / 10 guest → Read, 5 minimal access and below → None.
    /// GitLab has no "triage" level. Values between the named ones round down, so nothing grants more than GitLab said.
    /// </summary>
    public static RepoPermission FromAccessLevel(int accessLevel) => accessLevel switch
    {
        >= 50 => RepoPermission.Admin,
        >= 40 => RepoPermission.Maintain,
        >= 30 => RepoPermission.Write,
        // 20 reporter, 15 planner (GitLab 17.7+), 10 guest: can see the project, cannot push.
        >= 10 => RepoPermission.Read,
        // 5 minimal access, 0 no access.
        _ => RepoPermission.None,
    };
}
