using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// How Azure DevOps names things for TerraFlow. A repository is <c>RepoRef(Owner = project name, Name = repository
/// name)</c> within the configured organization. People are their <c>uniqueName</c> (the sign-in name: a UPN or
/// e-mail address on Azure DevOps Services, <c>DOMAIN\user</c> on Azure DevOps Server).
/// </summary>
public static class AzureDevOpsNames
{
    public const int MaxChars = 255;

    // Characters Azure DevOps itself refuses in project and repository names (and '%', which would make URLs ambiguous).
    private const string Forbidden = "/\\:*?\"<>|;#${}+=[]%&,'`@~^";

    /// <summary>A project or repository name as Azure DevOps allows it: spaces inside, none of <c>/\:*?"&lt;&gt;|;#$…</c>, not "." or "..".</summary>
    public static string? NameProblem(string value)
    {
        if (value.Length == 0) return "is empty";
        if (value.Length > MaxChars) return $"is longer than {MaxChars} characters";
        if (value is "." or ".." || value.StartsWith(' ') || value.EndsWith(' ') || value.EndsWith('.')) return "is not a project or repository name";
        foreach (var c in value)
        {
            if (char.IsControl(c)) return "contains a control character";
            if (Forbidden.Contains(c, StringComparison.Ordinal)) return $"contains '{c}', which Azure DevOps does not allow in names";
        }
        return null;
    }

    /// <summary>A uniqueName: letters, digits and <c>. - _ @ + \</c>; no whitespace (it is compared, stored and shown).</summary>
    public static string? AccountProblem(string value)
    {
        if (value.Length == 0) return "is empty";
        if (value.Length > MaxChars) return $"is longer than {MaxChars} characters";
        if (!char.IsAsciiLetterOrDigit(value[0]) && value[0] != '_') return "must start with a letter, digit or '_'";
        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@' or '+' or '\\')
            ? null
            : "may contain only letters, digits, '.', '-', '_', '@', '+' and '\\'";
    }

    /// <summary><c>{project}/_apis/git/repositories/{repository}</c>, both escaped (names may contain spaces).</summary>
    public static string RepositoryPath(RepoRef repo) =>
        $"{Uri.EscapeDataString(repo.Owner)}/_apis/git/repositories/{Uri.EscapeDataString(repo.Name)}";

    public static string PullRequestPath(RepoRef repo, int number) => $"{RepositoryPath(repo)}/pullrequests/{number}";

    /// <summary>"refs/heads/feature/x" → "feature/x".</summary>
    public static string BranchOf(string refName) =>
        refName.StartsWith("refs/heads/", StringComparison.Ordinal) ? refName["refs/heads/".Length..] : refName;

    /// <summary>
    /// A clone URL without user info: Azure DevOps writes the organization as user name into <c>remoteUrl</c>
    /// (<c>https://org@dev.azure.com/org/project/_git/repo</c>); credentials travel in <c>http.extraHeader</c> instead.
    /// </summary>
    public static string CloneUrlOf(string remoteUrl)
    {
        if (!Uri.TryCreate(remoteUrl, UriKind.Absolute, out var uri) || uri.IsFile || uri.UserInfo.Length == 0) return remoteUrl;
        return new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri;
    }
}
