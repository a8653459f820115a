using TerraFlow.Core.Globbing;

namespace TerraFlow.Runner.Sandbox;

/// <summary>
/// Glob over a whole name (<c>acme/*</c>, <c>prod-?</c>): <c>*</c> is any run of characters, <c>/</c> included, <c>?</c>
/// one character, case-sensitive. The name is matched as one segment by Core's <see cref="SegmentWildcard"/>, which
/// never backtracks (the same matcher as <c>when_modified</c> and CODEOWNERS segments).
/// </summary>
public static class NameGlob
{
    public static bool IsMatch(string pattern, string name) => SegmentWildcard.Parse(pattern).IsMatch(name);
}
