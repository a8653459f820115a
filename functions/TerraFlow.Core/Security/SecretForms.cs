using System.Text;

namespace TerraFlow.Core.Security;

/// <summary>
/// The spellings of one secret that can reach output: itself and what one Terraform function call
/// (<c>base64encode</c>, <c>urlencode</c>, <c>jsonencode</c>) or a multi-line rendering makes of it. Masking only the
/// plain value would let <c>output "x" { value = base64encode(var.secret) }</c> through.
/// </summary>
public static class SecretForms
{
    /// <summary>Encoded fragments shorter than this are not masked: they would match ordinary text by chance.</summary>
    public const int MinEncodedLength = 6;

    /// <summary>Lines of a multi-line secret shorter than this are not masked on their own (e.g. a PEM's dashes).</summary>
    public const int MinLineLength = 16;

    public static IReadOnlyList<string> Of(string secret)
    {
        var forms = new List<string> { secret };
        var bytes = Encoding.UTF8.GetBytes(secret);

        // Whole-value base64 and base64url (with and without padding).
        var base64 = Convert.ToBase64String(bytes);
        AddEncoded(forms, base64);
        AddEncoded(forms, ToUrlSafe(base64));
        AddEncoded(forms, ToUrlSafe(base64).TrimEnd('='));

        // Inside a longer base64 text (base64encode(file("/proc/self/environ"))) the secret starts at byte offset 0, 1
        // or 2 of a 3-byte group; each offset gives different characters. Only characters made of the secret's bits
        // alone are the same wherever the secret sits, so those are masked.
        for (var offset = 0; offset < 3; offset++)
        {
            var core = AlignedCore(bytes, offset);
            AddEncoded(forms, core);
            AddEncoded(forms, ToUrlSafe(core));
        }

        // URL encodings: RFC 3986 (%20) and form style (+), upper- and lower-case hex.
        var escaped = Uri.EscapeDataString(secret);
        AddEncoded(forms, escaped);
        AddEncoded(forms, LowerHexEscapes(escaped));
        AddEncoded(forms, System.Net.WebUtility.UrlEncode(secret));

        // JSON string escaping (plan JSON, API answers).
        var json = System.Text.Json.JsonEncodedText.Encode(secret).Value;
        AddEncoded(forms, json);
        var relaxed = System.Text.Json.JsonEncodedText.Encode(secret, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value;
        AddEncoded(forms, relaxed);

        // Multi-line values (PEM keys): Terraform prints them as heredocs with indentation, so mask line by line too.
        if (secret.Contains('\n', StringComparison.Ordinal))
        {
            foreach (var line in secret.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.Length >= MinLineLength && !forms.Contains(trimmed)) forms.Add(trimmed);
            }
        }
        return forms;
    }

    /// <summary>
    /// The base64 characters of <paramref name="bytes"/> placed after <paramref name="offset"/> other bytes, keeping
    /// only the characters whose six bits all come from <paramref name="bytes"/>.
    /// </summary>
    internal static string AlignedCore(byte[] bytes, int offset)
    {
        var shifted = new byte[offset + bytes.Length];
        bytes.CopyTo(shifted, offset);
        var encoded = Convert.ToBase64String(shifted).TrimEnd('=');
        var firstBit = offset * 8;
        var endBit = (offset + bytes.Length) * 8;
        var first = (firstBit + 5) / 6;      // first character starting at or after the secret's first bit
        var last = endBit / 6 - 1;           // last character ending at or before the secret's last bit
        return last < first ? "" : encoded[first..(last + 1)];
    }

    private static void AddEncoded(List<string> forms, string form)
    {
        if (form.Length >= MinEncodedLength && !forms.Contains(form)) forms.Add(form);
    }

    private static string ToUrlSafe(string base64) => base64.Replace('+', '-').Replace('/', '_');

    private static string LowerHexEscapes(string escaped)
    {
        var chars = escaped.ToCharArray();
        for (var i = 0; i + 2 < chars.Length; i++)
        {
            if (chars[i] != '%') continue;
            chars[i + 1] = char.ToLowerInvariant(chars[i + 1]);
            chars[i + 2] = char.ToLowerInvariant(chars[i + 2]);
        }
        return new string(chars);
    }
}
