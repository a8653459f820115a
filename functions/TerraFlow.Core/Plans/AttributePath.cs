using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// A reusable, growable buffer holding the path of the JSON value being walked, in the form shown to users:
/// object keys joined with dots (<c>ingress.cidr</c>), list and set elements as <c>[index]</c>
/// (<c>ingress[0].cidr_blocks[1]</c>), and map keys that are not plain identifiers in brackets
/// (<c>tags["kubernetes.io/role"]</c>). Reused across walks so that unchanged attributes cost no allocation.
/// </summary>
internal sealed class AttributePath
{
    private char[] _chars = new char[256];
    private char[] _scratch = new char[64];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    /// <summary>Cuts the path back to a length returned earlier by <see cref="Length"/>.</summary>
    public void Truncate(int length) => Length = length;

    public override string ToString() => new(Span);

    /// <summary>Appends the property name the reader is on (its token must be a PropertyName).</summary>
    public void AppendProperty(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<char> name;
        if (reader.ValueIsEscaped)
        {
            name = reader.GetString();
        }
        else
        {
            var utf8 = reader.ValueSpan;
            if (_scratch.Length < utf8.Length)
            {
                _scratch = new char[Math.Max(utf8.Length, _scratch.Length * 2)];
            }
            // Attribute names are ASCII nearly always; the ASCII widening is much cheaper than a UTF-8 decode.
            int count = Ascii.ToUtf16(utf8, _scratch, out int written) == OperationStatus.Done
                ? written
                : Encoding.UTF8.GetChars(utf8, _scratch);
            name = _scratch.AsSpan(0, count);
        }
        AppendProperty(name);
    }

    public void AppendProperty(ReadOnlySpan<char> name)
    {
        if (IsIdentifier(name))
        {
            EnsureRoom(name.Length + 1);
            if (Length > 0)
            {
                _chars[Length++] = '.';
            }
            name.CopyTo(_chars.AsSpan(Length));
            Length += name.Length;
            return;
        }

        // Worst case every character needs a backslash, plus [" and "].
        EnsureRoom(name.Length * 2 + 4);
        _chars[Length++] = '[';
        _chars[Length++] = '"';
        foreach (char c in name)
        {
            if (c is '"' or '\\')
            {
                _chars[Length++] = '\\';
            }
            _chars[Length++] = c;
        }
        _chars[Length++] = '"';
        _chars[Length++] = ']';
    }

    public void AppendIndex(int index)
    {
        EnsureRoom(12);
        _chars[Length++] = '[';
        index.TryFormat(_chars.AsSpan(Length), out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        Length += written;
        _chars[Length++] = ']';
    }

    /// <summary>True when <paramref name="candidate"/> lies strictly inside the value at <paramref name="ancestor"/>.</summary>
    public static bool IsStrictDescendant(ReadOnlySpan<char> candidate, ReadOnlySpan<char> ancestor)
    {
        if (ancestor.Length == 0)
        {
            return candidate.Length > 0;
        }
        return candidate.Length > ancestor.Length
            && candidate.StartsWith(ancestor, StringComparison.Ordinal)
            && candidate[ancestor.Length] is '.' or '[';
    }

    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static bool IsIdentifier(ReadOnlySpan<char> name) => !name.IsEmpty && !name.ContainsAnyExcept(IdentifierChars);

    private void EnsureRoom(int extra)
    {
        if (Length + extra > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + extra));
        }
    }
}
