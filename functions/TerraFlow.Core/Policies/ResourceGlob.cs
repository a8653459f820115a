namespace TerraFlow.Core.Policies;

/// <summary>
/// Matches resource types and addresses against patterns where <c>*</c> stands for any run of characters (dots and
/// brackets included, so <c>module.db.*</c> matches everything in that module). Everything else is literal and
/// case-sensitive, like Terraform addresses.
/// </summary>
public static class ResourceGlob
{
    public static bool IsMatch(string pattern, string value) => IsMatch(pattern.AsSpan(), value.AsSpan());

    /// <summary>True when <paramref name="patterns"/> is empty (no filter) or any pattern matches.</summary>
    public static bool AnyMatch(IReadOnlyList<string> patterns, string value)
    {
        if (patterns.Count == 0) return true;
        foreach (var pattern in patterns)
            if (IsMatch(pattern, value)) return true;
        return false;
    }

    // Greedy matching with backtracking to the last '*': linear for the usual one or two stars.
    private static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
