using System.Text;

namespace TerraFlow.Core.Plans;

/// <summary>
/// How the bytes of a plan are encoded. Terraform writes UTF-8, but a plan saved by Windows PowerShell redirection
/// (<c>terraform show -json plan &gt; plan.json</c>) is UTF-16 LE with a byte-order mark, and some editors add a
/// UTF-8 byte-order mark. The JSON reader only takes UTF-8 without a mark, so the mark is dropped and UTF-16/UTF-32
/// are converted to UTF-8 first. Without a mark, the pattern of zero bytes around the first ASCII character tells the
/// encoding (RFC 4627, section 3), since JSON text starts with an ASCII character.
/// </summary>
internal sealed record PlanEncoding(string Name, int MarkLength, Encoding? ConvertFrom)
{
    /// <summary>Enough leading bytes to tell every encoding apart.</summary>
    public const int DetectionLength = 4;

    private static readonly PlanEncoding Utf8 = new("UTF-8", 0, null);

    /// <summary>Tells the encoding from the first bytes (fewer than <see cref="DetectionLength"/> when the text is that short).</summary>
    public static PlanEncoding Detect(ReadOnlySpan<byte> head)
    {
        // Longer marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return new("UTF-8 with a byte-order mark", 3, null);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return Utf32(bigEndian: false, markLength: 4);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) return Utf32(bigEndian: true, markLength: 4);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Utf16(bigEndian: false, markLength: 2);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Utf16(bigEndian: true, markLength: 2);
        if (head.Length < DetectionLength) return Utf8;
        return (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0) switch
        {
            (true, true, true, false) => Utf32(bigEndian: true, markLength: 0),
            (false, true, true, true) => Utf32(bigEndian: false, markLength: 0),
            (true, false, true, false) => Utf16(bigEndian: true, markLength: 0),
            (false, true, false, true) => Utf16(bigEndian: false, markLength: 0),
            _ => Utf8,
        };
    }

    /// <summary>Converts a whole plan to UTF-8 without its byte-order mark (no copy when it already is UTF-8).</summary>
    /// <exception cref="PlanFormatException">The bytes are not valid text in the detected encoding.</exception>
    public ReadOnlySpan<byte> ToUtf8(ReadOnlySpan<byte> bytes)
    {
        var text = bytes[MarkLength..];
        if (ConvertFrom is null) return text;
        try
        {
            return Encoding.UTF8.GetBytes(ConvertFrom.GetString(text));
        }
        catch (DecoderFallbackException ex)
        {
            throw Invalid(ex);
        }
    }

    /// <summary>The error for bytes that do not decode, naming the encoding so the user knows what was assumed.</summary>
    public PlanFormatException Invalid(DecoderFallbackException ex) =>
        new($"The plan looks like {Name} but is not valid {Name} text ({ex.Message}). Save the output of `terraform show -json <planfile>` as UTF-8.", ex);

    // Strict decoders: broken input is refused with a message, never turned into replacement characters silently.
    private static PlanEncoding Utf16(bool bigEndian, int markLength) =>
        new(Describe("UTF-16", bigEndian, markLength), markLength, new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true));

    private static PlanEncoding Utf32(bool bigEndian, int markLength) =>
        new(Describe("UTF-32", bigEndian, markLength), markLength, new UTF32Encoding(bigEndian, byteOrderMark: false, throwOnInvalidCharacters: true));

    private static string Describe(string family, bool bigEndian, int markLength) =>
        $"{family} {(bigEndian ? "BE" : "LE")}{(markLength > 0 ? " with a byte-order mark" : "")}";
}
