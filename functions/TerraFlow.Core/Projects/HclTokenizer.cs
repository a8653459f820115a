using System.Text;

namespace TerraFlow.Core.Projects;

/// <summary>
/// Just enough of an HCL lexer to find block structure: identifiers, quoted strings (with their literal value
/// when they contain no interpolation), braces and '='. Comments (#, //, /* */), heredocs and template
/// interpolations are skipped so that a brace or the word "module" inside them cannot confuse the caller.
/// </summary>
internal sealed class HclTokenizer(string text)
{
    private int _pos;

    public static List<HclToken> Tokenize(string text)
    {
        var tokenizer = new HclTokenizer(text);
        var tokens = new List<HclToken>();
        while (tokenizer.Next() is { } token) tokens.Add(token);
        return tokens;
    }

    private HclToken? Next()
    {
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (char.IsWhiteSpace(c)) { _pos++; continue; }
            if (c == '#' || (c == '/' && Peek(1) == '/')) { SkipToLineEnd(); continue; }
            if (c == '/' && Peek(1) == '*') { SkipBlockComment(); continue; }
            if (c == '"') return new HclToken(HclTokenKind.String, ReadString());
            if (c == '<' && Peek(1) == '<' && (IsIdentifierChar(Peek(2)) || (Peek(2) == '-' && IsIdentifierChar(Peek(3)))))
            {
                SkipHeredoc();
                return new HclToken(HclTokenKind.Other, null);
            }
            if (IsIdentifierChar(c))
            {
                var start = _pos;
                while (_pos < text.Length && IsIdentifierChar(text[_pos])) _pos++;
                return new HclToken(HclTokenKind.Identifier, text[start.._pos]);
            }
            _pos++;
            switch (c)
            {
                case '{': return new HclToken(HclTokenKind.OpenBrace, null);
                case '}': return new HclToken(HclTokenKind.CloseBrace, null);
                case '=' when Peek(0) is '=' or '>':
                case '!' or '<' or '>' when Peek(0) == '=':
                    _pos++;
                    return new HclToken(HclTokenKind.Other, null);
                case '=': return new HclToken(HclTokenKind.Equals, null);
                default: return new HclToken(HclTokenKind.Other, null);
            }
        }
        return null;
    }

    private char Peek(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';

    private void SkipToLineEnd()
    {
        var end = text.IndexOf('\n', _pos);
        _pos = end < 0 ? text.Length : end + 1;
    }

    private void SkipBlockComment()
    {
        var end = text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        _pos = end < 0 ? text.Length : end + 2;
    }

    /// <summary>Reads a quoted string starting at '"'. Returns null as the value when it contains an interpolation.</summary>
    private string? ReadString()
    {
        _pos++; // opening quote
        var value = new StringBuilder();
        var literal = true;
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '"') { _pos++; break; }
            if (c == '\n') break; // unterminated: stop at the line end rather than swallowing the file
            if (c == '\\' && _pos + 1 < text.Length)
            {
                value.Append(Unescape(text[_pos + 1]));
                _pos += 2;
                continue;
            }
            if ((c == '$' || c == '%') && Peek(1) == c && Peek(2) == '{')
            {
                value.Append(c).Append('{'); // "$${" is a literal "${"
                _pos += 3;
                continue;
            }
            if ((c == '$' || c == '%') && Peek(1) == '{')
            {
                literal = false;
                _pos += 2;
                SkipTemplateExpression();
                continue;
            }
            value.Append(c);
            _pos++;
        }
        return literal ? value.ToString() : null;
    }

    // Skips "...}" of a ${ ... } interpolation, which may itself contain strings and braces.
    private void SkipTemplateExpression()
    {
        var depth = 1;
        while (_pos < text.Length && depth > 0)
        {
            var c = text[_pos];
            if (c == '"') { ReadString(); continue; }
            if (c == '{') depth++;
            else if (c == '}') depth--;
            _pos++;
        }
    }

    private void SkipHeredoc()
    {
        _pos += 2;
        var indented = Peek(0) == '-';
        if (indented) _pos++;
        var start = _pos;
        while (_pos < text.Length && IsIdentifierChar(text[_pos])) _pos++;
        var marker = text[start.._pos];
        SkipToLineEnd();
        while (_pos < text.Length)
        {
            var lineEnd = text.IndexOf('\n', _pos);
            var line = lineEnd < 0 ? text.AsSpan(_pos) : text.AsSpan(_pos, lineEnd - _pos);
            _pos = lineEnd < 0 ? text.Length : lineEnd + 1;
            if (line.Trim().SequenceEqual(marker)) return;
        }
    }

    private static char Unescape(char c) => c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => c };
}

internal enum HclTokenKind { Identifier, String, OpenBrace, CloseBrace, Equals, Other }

/// <param name="Text">Identifier name, or a string's literal value (null when it interpolates).</param>
internal readonly record struct HclToken(HclTokenKind Kind, string? Text);
