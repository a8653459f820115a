namespace TerraFlow.Core.Globbing;

/// <summary>
/// A pattern for one path segment: <c>*</c> matches any run of characters, <c>?</c> exactly one, everything else
/// itself (with <c>backslashEscapes</c>, <c>\x</c> is a literal x). Compiled into the literal chunks between the
/// stars; a match places the first chunk at the start, the last at the end and each middle chunk at its leftmost
/// place after the previous one. Leftmost placement is always right for star-separated chunks, so matching never
/// backtracks: one pass over the name per chunk at most.
/// </summary>
public sealed class SegmentWildcard
{
    private readonly Chunk[] _chunks;
    private readonly bool _hasStar;
    private readonly int _minimumLength;

    private SegmentWildcard(Chunk[] chunks, bool hasStar)
    {
        _chunks = chunks;
        _hasStar = hasStar;
        _minimumLength = chunks.Sum(c => c.Text.Length);
    }

    /// <summary>True when the pattern has no '*' or '?' (it matches only itself).</summary>
    public bool IsLiteral => !_hasStar && _chunks[0].AnyChar is null;

    /// <summary>
    /// The longest run of plain characters (no wildcard) the pattern contains; every name it matches contains it.
    /// Callers use it as a cheap filter before matching.
    /// </summary>
    public string LongestLiteral => _chunks.Where(c => c.AnyChar is null).Select(c => c.Text).DefaultIfEmpty("").MaxBy(t => t.Length)!;

    /// <summary>The text a literal pattern matches (escapes removed); null when the pattern has wildcards.</summary>
    public string? Literal => IsLiteral ? _chunks[0].Text : null;

    public static SegmentWildcard Parse(string pattern, bool backslashEscapes = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var chunks = new List<Chunk>();
        var text = new System.Text.StringBuilder();
        List<int>? anyChar = null;
        var hasStar = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (backslashEscapes && ch == '\\')
            {
                if (++i < pattern.Length) text.Append(pattern[i]);
                continue;
            }
            if (ch == '*')
            {
                hasStar = true;
                chunks.Add(new Chunk(text.ToString(), anyChar?.ToArray()));
                text.Clear();
                anyChar = null;
                continue;
            }
            if (ch == '?') (anyChar ??= []).Add(text.Length);
            text.Append(ch);
        }
        chunks.Add(new Chunk(text.ToString(), anyChar?.ToArray()));
        return new SegmentWildcard([.. chunks], hasStar);
    }

    public bool IsMatch(ReadOnlySpan<char> name)
    {
        if (!_hasStar) return name.Length == _chunks[0].Text.Length && _chunks[0].MatchesAt(name, 0);
        if (name.Length < _minimumLength) return false;

        var first = _chunks[0];
        var last = _chunks[^1];
        if (!first.MatchesAt(name, 0) || !last.MatchesAt(name, name.Length - last.Text.Length)) return false;
        var position = first.Text.Length;
        var end = name.Length - last.Text.Length;
        for (var i = 1; i < _chunks.Length - 1; i++)
        {
            var found = _chunks[i].IndexIn(name[position..end]);
            if (found < 0) return false;
            position += found + _chunks[i].Text.Length;
        }
        return true;
    }

    /// <summary>Literal text between stars; <see cref="AnyChar"/> lists the offsets that were '?'.</summary>
    private sealed record Chunk(string Text, int[]? AnyChar)
    {
        public bool MatchesAt(ReadOnlySpan<char> name, int at)
        {
            if (AnyChar is null) return name.Slice(at, Text.Length).SequenceEqual(Text);
            for (var i = 0; i < Text.Length; i++)
            {
                if (name[at + i] != Text[i] && Array.IndexOf(AnyChar, i) < 0) return false;
            }
            return true;
        }

        public int IndexIn(ReadOnlySpan<char> span)
        {
            if (AnyChar is null) return span.IndexOf(Text, StringComparison.Ordinal);
            for (var at = 0; at + Text.Length <= span.Length; at++)
            {
                if (MatchesAt(span, at)) return at;
            }
            return -1;
        }
    }
}
