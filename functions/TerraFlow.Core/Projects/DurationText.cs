using System.Globalization;
using System.Text.RegularExpressions;

namespace TerraFlow.Core.Projects;

/// <summary>Durations as people write them in configuration files: <c>90s</c>, <c>10m</c>, <c>1h30m</c>, or <c>00:10:00</c>.</summary>
public static partial class DurationText
{
    /// <summary>The duration, or null when the text is not one (or is zero or negative).</summary>
    public static TimeSpan? Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains(':'))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var clock) && clock > TimeSpan.Zero ? clock : null;
        }
        var match = UnitsPattern().Match(trimmed);
        if (!match.Success || trimmed.Length == 0) return null;
        var total = TimeSpan.Zero;
        if (match.Groups["h"].Success) total += TimeSpan.FromHours(int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture));
        if (match.Groups["m"].Success) total += TimeSpan.FromMinutes(int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture));
        if (match.Groups["s"].Success) total += TimeSpan.FromSeconds(int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture));
        return total > TimeSpan.Zero ? total : null;
    }

    // Go's time.ParseDuration subset Atlantis users write; at most 5 digits per unit keeps the sum far from overflow.
    [GeneratedRegex(@"^(?:(?<h>[0-9]{1,5})h)?(?:(?<m>[0-9]{1,5})m)?(?:(?<s>[0-9]{1,5})s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitsPattern();
}
