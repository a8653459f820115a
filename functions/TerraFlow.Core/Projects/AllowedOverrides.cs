using System.Text.RegularExpressions;

namespace TerraFlow.Core.Projects;

/// <summary>
/// Server-side <c>TerraFlow:RepoConfig</c>: which rule keys (see <see cref="RuleKeys"/>) a pull request's head commit may
/// set for which repositories. Empty (the default) means every rule comes from the base branch.
/// </summary>
public sealed class RepoConfigOptions
{
    public List<AllowedOverride> AllowedOverrides { get; set; } = [];

    /// <summary>The keys the head may set for <c>owner/name</c>: the union over every matching entry.</summary>
    /// <exception cref="ArgumentException">An entry names a key that is not a rule key, or has no repositories.</exception>
    public IReadOnlySet<string> KeysFor(string owner, string name)
    {
        var full = owner + "/" + name;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in AllowedOverrides)
        {
            if (entry.RepositoryPatterns().Any(p => RepositoryGlob.Matches(p, full)))
                keys.UnionWith(entry.KeyNames());
        }
        return keys;
    }

    /// <summary>Throws on the first bad entry, so a typo stops the runner at start instead of silently allowing nothing.</summary>
    public void Validate()
    {
        for (var i = 0; i < AllowedOverrides.Count; i++)
        {
            var entry = AllowedOverrides[i];
            if (entry.RepositoryPatterns().Count == 0)
                throw new ArgumentException($"TerraFlow:RepoConfig:AllowedOverrides:{i}:Repositories is empty; name repositories as owner/name globs, e.g. my-org/*");
            foreach (var key in entry.KeyNames())
            {
                if (!RuleKeys.IsRuleKey(key))
                    throw new ArgumentException($"TerraFlow:RepoConfig:AllowedOverrides:{i}:Keys names '{key}', which is not a rule key; allowed: {string.Join(", ", RuleKeys.All)}");
            }
        }
    }
}

/// <param name="Repositories">Comma-separated <c>owner/name</c> globs: <c>*</c> matches within one path segment,
/// <c>**</c> across segments (for nested groups); case-insensitive like the hosts' names.</param>
/// <param name="Keys">Comma-separated rule keys, spelled as in <c>.terraflow.yml</c>.</param>
public sealed class AllowedOverride
{
    public string Repositories { get; set; } = "";

    public string Keys { get; set; } = "";

    internal IReadOnlyList<string> RepositoryPatterns() => Split(Repositories);

    internal IReadOnlyList<string> KeyNames() => Split(Keys);

    private static List<string> Split(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

/// <summary>Matches repository names against operator-written globs.</summary>
public static class RepositoryGlob
{
    public static bool Matches(string pattern, string repository)
    {
        var regex = "^" + string.Concat(Tokens(pattern)) + "$";
        // Non-backtracking: linear in the name whatever the operator wrote.
        return Regex.IsMatch(repository, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    private static IEnumerable<string> Tokens(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '*')
            {
                yield return Regex.Escape(pattern[i].ToString());
                continue;
            }
            if (i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                yield return ".*";
            }
            else
            {
                yield return "[^/]*";
            }
        }
    }
}
