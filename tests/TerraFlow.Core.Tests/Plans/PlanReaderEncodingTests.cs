using System.Text;
using TerraFlow.Core.Plans;
using static TerraFlow.Core.Tests.Plans.PlanTestSupport;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>
/// Plans saved by Windows tools: PowerShell 5 `&gt;` writes UTF-16 LE with a byte-order mark, other tools UTF-8 with
/// one. They used to fail with "'0xFF' is an invalid start of a value"; now they read exactly like the UTF-8 plan.
/// </summary>
public class PlanReaderEncodingTests
{
    private const string Fixture = "import-and-move-with-updates.json";

    public static TheoryData<string> Encodings() => new("utf-8-bom", "utf-16le-bom", "utf-16be-bom", "utf-32le-bom", "utf-32be-bom", "utf-16le", "utf-16be");

    private static byte[] Encode(string text, string encoding)
    {
        var (enc, bom) = encoding switch
        {
            "utf-8-bom" => ((Encoding)new UTF8Encoding(true), true),
            "utf-16le-bom" => (new UnicodeEncoding(false, true), true),
            "utf-16be-bom" => (new UnicodeEncoding(true, true), true),
            "utf-32le-bom" => (new UTF32Encoding(false, true), true),
            "utf-32be-bom" => (new UTF32Encoding(true, true), true),
            "utf-16le" => (new UnicodeEncoding(false, false), false),
            "utf-16be" => (new UnicodeEncoding(true, false), false),
            _ => throw new ArgumentException(encoding),
        };
        return [.. bom ? enc.GetPreamble() : [], .. enc.GetBytes(text)];
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_plan_in_another_unicode_encoding_reads_like_the_utf8_plan(string encoding)
    {
        var utf8 = ReadOwnFixture(Fixture);
        var expected = Dump(PlanReader.Read(utf8));
        var bytes = Encode(Encoding.UTF8.GetString(utf8), encoding);
        Assert.NotEqual(utf8, bytes);

        Assert.Equal(expected, Dump(PlanReader.Read(bytes)));
        Assert.Equal(expected, Dump(await PlanReader.ReadAsync(new TrickleStream(bytes, seed: 9), CancellationToken.None)));
        Assert.Equal(expected, Dump(await PlanReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None)));
    }

    [Fact]
    public void Windows_powershell_redirection_output_is_read()
    {
        // PowerShell 5: `terraform show -json plan > plan.json` → FF FE, then UTF-16 LE, with CRLF at the end.
        var bytes = Encode(Encoding.UTF8.GetString(ReadOwnFixture("import-only.json")).TrimEnd() + "\r\n", "utf-16le-bom");
        Assert.Equal([0xFF, 0xFE], bytes[..2]);

        var plan = PlanReader.Read(bytes);

        Assert.Equal(1, plan.Counts.Import);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x7B, 0x00, 0x7D }, "UTF-16 LE with a byte-order mark")] // odd byte count
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00, 0x7B, 0xDC, 0x00, 0x00, 0x7D }, "UTF-16 BE with a byte-order mark")] // lone low surrogate
    [InlineData(new byte[] { 0x7B, 0x00, 0x22, 0x00, 0x00, 0xD8, 0x22, 0x00 }, "UTF-16 LE")] // lone high surrogate, no mark
    public async Task Broken_text_is_refused_naming_the_encoding(byte[] bytes, string encoding)
    {
        var whole = Assert.Throws<PlanFormatException>(() => PlanReader.Read(bytes));
        var streamed = await Assert.ThrowsAsync<PlanFormatException>(() =>
            PlanReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None).AsTask());

        Assert.StartsWith($"The plan looks like {encoding} but is not valid", whole.Message, StringComparison.Ordinal);
        Assert.StartsWith($"The plan looks like {encoding} but is not valid", streamed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid start of a value", whole.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{}")]
    public void Short_utf8_input_is_still_judged_as_json(string text)
    {
        // Fewer bytes than the encoding check looks at: treated as UTF-8, and refused as JSON/plan as before.
        Assert.Throws<PlanFormatException>(() => ReadText(text));
    }
}
