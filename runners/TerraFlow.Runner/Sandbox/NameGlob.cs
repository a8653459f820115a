namespace TerraFlow.Runner.Sandbox;

/// <summary>
/// Glob over a whole name (<c>acme/*</c>, <c>prod-?</c>): <c>*</c> is any run of characters, <c>/</c> included, <c>?</c>
/// one character, case-sensitive. Greedy with one backtrack point, so time is at most pattern × name.
/// </summary>
public static class NameGlob
{
    public static bool IsMatch(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]) && pattern[p] != '*')
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
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
