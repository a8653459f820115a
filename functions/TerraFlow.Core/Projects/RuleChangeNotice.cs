using TerraFlow.Core.Comments;

namespace TerraFlow.Core.Projects;

/// <summary>
/// The line a pull request's comment carries when it changes rule files (<c>.terraflow.yml</c>, CODEOWNERS, policy
/// folders): those rules are read from the base branch, so the changes take effect after merge; it names the rule
/// keys that were ignored in this run.
/// </summary>
public static class RuleChangeNotice
{
    private const int MaxFilesNamed = 10;

    /// <param name="changedFiles">What the pull request changes (repository-relative).</param>
    /// <param name="codeOwnersLocations">Where the host reads CODEOWNERS.</param>
    /// <param name="policyPaths">Policy folders named at the base or the head.</param>
    /// <param name="ignored">Rule keys the head set differently from the base, per project.</param>
    /// <param name="baseCommit">The base commit the rules were read from.</param>
    /// <param name="allowedFromHead">Rule keys the operator lets this repository's pull requests set.</param>
    /// <returns>Markdown, or null when the pull request changes no rule file.</returns>
    public static string? Build(
        IReadOnlyCollection<string> changedFiles,
        IReadOnlyCollection<string> codeOwnersLocations,
        IReadOnlyCollection<string> policyPaths,
        IReadOnlyList<IgnoredRule> ignored,
        string baseCommit,
        IReadOnlySet<string>? allowedFromHead = null)
    {
        var ruleFiles = changedFiles
            .Where(f => ProjectDefaults.ConfigFileNames.Contains(f, StringComparer.Ordinal)
                || codeOwnersLocations.Contains(f, StringComparer.Ordinal)
                || policyPaths.Any(p => RepoPath.IsWithin(f, p)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (ruleFiles.Count == 0) return null;

        var named = string.Join(", ", ruleFiles.Take(MaxFilesNamed).Select(f => MarkdownText.Code(MarkdownText.Shorten(f, 100))))
            + (ruleFiles.Count > MaxFilesNamed ? $" and {ruleFiles.Count - MaxFilesNamed} more" : "");
        var shortSha = baseCommit.Length > 12 ? baseCommit[..12] : baseCommit;
        var allowed = RuleKeys.All.Where(k => allowedFromHead?.Contains(k) == true).ToList();
        var fromBase = RuleKeys.All.Except(allowed).ToList();
        var text = $"This pull request changes {named}. Apply rules ({string.Join(", ", fromBase)}), CODEOWNERS and policy files " +
                   $"are read from the base branch ({MarkdownText.Code(shortSha)}), so these changes take effect after merge.";
        if (allowed.Count > 0)
            text += $" The operator lets pull requests of this repository set {string.Join(", ", allowed.Select(k => $"`{k}`"))}; those are used now.";
        if (ignored.Count == 0) return text;
        var keys = ignored.Select(i => $"{string.Join(", ", i.Keys.Select(k => $"`{k}`"))} of project {MarkdownText.Code(MarkdownText.Shorten(i.Project, 60))}");
        return text + " Ignored in this run: " + string.Join("; ", keys) + ".";
    }
}
