using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// Turns one JSON value from a plan into the short text shown in a pull-request comment: JSON text (strings keep
/// their quotes), never longer than <see cref="MaxLength"/> characters.
/// </summary>
internal static class ValueDisplay
{
    public const string Sensitive = "(sensitive value)";
    public const string KnownAfterApply = "(known after apply)";

    /// <summary>Comments have a size limit and a wall of JSON helps nobody; longer values end with an ellipsis.</summary>
    public const int MaxLength = 200;

    // Four UTF-8 bytes per char at most, so this many bytes always decode to more than MaxLength chars.
    private const int MaxBytesToDecode = MaxLength * 4 + 8;

    public static string Render(ReadOnlySpan<byte> rawJson)
    {
        if (rawJson.Length > 0 && rawJson[0] == (byte)'"' && rawJson.Contains((byte)'\\'))
        {
            return RenderString(rawJson);
        }
        // A JSON string without escapes is already exactly what we show (quotes included), as are other scalars.
        if (rawJson.SequenceEqual("true"u8)) return "true";
        if (rawJson.SequenceEqual("false"u8)) return "false";
        // Containers (kept whole where `after` is unknown) are shown as their compact JSON.
        var slice = rawJson.Length > MaxBytesToDecode ? rawJson[..MaxBytesToDecode] : rawJson;
        return Truncate(Encoding.UTF8.GetString(slice), rawJson.Length > slice.Length);
    }

    private static string RenderString(ReadOnlySpan<byte> rawJson)
    {
        var reader = new Utf8JsonReader(rawJson);
        reader.Read();
        string value = reader.GetString() ?? "";
        bool cut = value.Length > MaxLength;
        if (cut)
        {
            value = value[..MaxLength];
        }
        // Re-encode with relaxed escaping: Terraform writes "<" as \u003c, which reads badly in a comment.
        string encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        return Truncate("\"" + encoded + "\"", cut);
    }

    /// <summary>Cuts to at most <see cref="MaxLength"/> chars, ending with "…" when anything was dropped.</summary>
    public static string Truncate(string text, bool alreadyCut = false)
    {
        if (text.Length <= MaxLength && !alreadyCut)
        {
            return text;
        }
        int keep = Math.Min(text.Length, MaxLength - 1);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--; // never split a surrogate pair
        }
        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
