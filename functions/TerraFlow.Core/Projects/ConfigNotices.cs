namespace TerraFlow.Core.Projects;

/// <summary>
/// The comment's configuration notices travel in one text (the run's stored rule notice, shown as a warning
/// paragraph): the rule-change notice first, then what the configuration file says that TerraFlow ignores.
/// </summary>
public static class ConfigNotices
{
    /// <summary>Null when there is nothing to say.</summary>
    public static string? Join(string? ruleNotice, IReadOnlyList<string> configNotices)
    {
        var parts = (ruleNotice is null ? configNotices : [ruleNotice, .. configNotices]).Where(p => p.Length > 0).ToList();
        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }
}
