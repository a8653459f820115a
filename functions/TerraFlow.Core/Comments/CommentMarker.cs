using System.Globalization;

namespace TerraFlow.Core.Comments;

/// <summary>
/// The hidden first line of every run comment. After a crash the workflow lists the pull request's comments and uses
/// this line to find (and edit) the ones it already posted instead of posting duplicates.
/// </summary>
internal static class CommentMarker
{
    private const string Prefix = "<!-- terraflow:run:";
    private const string PartInfix = ":part:";
    private const string Suffix = " -->";

    public static string Format(long runId, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{runId}{PartInfix}{part}{Suffix}");

    /// <summary>True when the body's first line is exactly a marker; anything else (a user quoting it mid-text) is not.</summary>
    public static bool TryParse(string? body, out long runId, out int part)
    {
        runId = 0;
        part = 0;
        if (body is null) return false;
        var span = body.AsSpan();
        var newline = span.IndexOfAny('\r', '\n');
        var line = newline < 0 ? span : span[..newline];
        if (!line.StartsWith(Prefix, StringComparison.Ordinal) || !line.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        var inner = line[Prefix.Length..^Suffix.Length];
        var infix = inner.IndexOf(PartInfix, StringComparison.Ordinal);
        if (infix < 0) return false;
        var idText = inner[..infix];
        var partText = inner[(infix + PartInfix.Length)..];
        if (!AllDigits(idText) || !AllDigits(partText)) return false;
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ||
            !int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            return false;
        }
        runId = id;
        part = p;
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s) if (c is < '0' or > '9') return false;
        return true;
    }
}
