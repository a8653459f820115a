using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// Reads the JSON form of a plan (<c>terraform show -json &lt;planfile&gt;</c>, or OpenTofu's equivalent) into a
/// <see cref="PlanSummary"/>. Only the parts TerraFlow shows are kept: format and Terraform versions,
/// <c>resource_changes</c>, <c>resource_drift</c>, <c>output_changes</c> and <c>errored</c>; the rest (prior state,
/// configuration, planned values, ...) is skipped without being kept in memory.
/// </summary>
/// <remarks>
/// Attribute diffs use dotted paths with list and set elements in brackets (<c>ingress[0].cidr_blocks[1]</c>) and
/// non-identifier map keys quoted in brackets (<c>tags["kubernetes.io/role"]</c>). Values are JSON text, at most
/// 200 characters. Sensitive values show as "(sensitive value)" and are never copied into the summary; values only
/// known after apply show as "(known after apply)". No-op and read entries carry no diffs.
/// </remarks>
public static class PlanReader
{
    // Big enough that typical entries fit at once; the buffer doubles when a single entry is larger.
    private const int InitialBufferSize = 64 * 1024;

    // One resource change bigger than this is not something a pull-request comment can use; refuse rather than
    // let a hostile or broken plan take all the memory.
    private const int MaxEntrySize = 512 * 1024 * 1024;

    /// <summary>
    /// Reads a plan held wholly in memory: UTF-8 (with or without a byte-order mark), or UTF-16/UTF-32 as Windows tools
    /// save it (converted first; see <see cref="PlanEncoding"/>).
    /// </summary>
    /// <exception cref="PlanFormatException">The JSON is malformed, not a plan, or of an unsupported format_version.</exception>
    public static PlanSummary Read(ReadOnlySpan<byte> utf8Json)
    {
        var parser = new PlanDocumentParser();
        var state = new JsonReaderState();
        try
        {
            parser.Process(PlanEncoding.Detect(utf8Json).ToUtf8(utf8Json), isFinalBlock: true, ref state);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
        return parser.Build();
    }

    /// <summary>
    /// Reads a plan from a stream without holding the whole document: memory use follows the largest single
    /// resource change, not the size of the plan. The stream is read to its end and not disposed.
    /// </summary>
    /// <exception cref="PlanFormatException">The JSON is malformed, not a plan, or of an unsupported format_version.</exception>
    public static async ValueTask<PlanSummary> ReadAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Tell the encoding from the first bytes, then read everything (those bytes included) as UTF-8 text.
        byte[] head = new byte[PlanEncoding.DetectionLength];
        int headLength = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        var encoding = PlanEncoding.Detect(head.AsSpan(0, headLength));
        var text = new PrefixedReadStream(head.AsMemory(encoding.MarkLength, headLength - encoding.MarkLength), stream);
        if (encoding.ConvertFrom is null)
        {
            return await ReadUtf8Async(text, ct).ConfigureAwait(false);
        }
        await using var converted = Encoding.CreateTranscodingStream(text, encoding.ConvertFrom, Encoding.UTF8, leaveOpen: true);
        try
        {
            return await ReadUtf8Async(converted, ct).ConfigureAwait(false);
        }
        catch (DecoderFallbackException ex)
        {
            throw encoding.Invalid(ex);
        }
    }

    private static async ValueTask<PlanSummary> ReadUtf8Async(Stream stream, CancellationToken ct)
    {
        var parser = new PlanDocumentParser();
        var state = new JsonReaderState();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        int filled = 0;
        bool endOfStream = false;
        try
        {
            while (true)
            {
                // Fill all free space before parsing: with a stream that trickles a few bytes per read, parsing after
                // every read would re-check the same incomplete entry over and over.
                while (!endOfStream && filled < buffer.Length)
                {
                    int read = await stream.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        endOfStream = true;
                    }
                    filled += read;
                }

                int consumed = Process(parser, buffer.AsSpan(0, filled), endOfStream, ref state);
                if (endOfStream)
                {
                    return parser.Build();
                }

                int remaining = filled - consumed;
                if (remaining == buffer.Length)
                {
                    // Not one whole entry fits: grow so the entry can be read in one piece.
                    if (buffer.Length >= MaxEntrySize)
                    {
                        throw new PlanFormatException(
                            $"A single entry of the plan is larger than {MaxEntrySize / (1024 * 1024)} MiB.");
                    }
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                else
                {
                    buffer.AsSpan(consumed, remaining).CopyTo(buffer);
                }
                filled = remaining;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Process(PlanDocumentParser parser, ReadOnlySpan<byte> json, bool isFinalBlock, ref JsonReaderState state)
    {
        try
        {
            return parser.Process(json, isFinalBlock, ref state);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    private static PlanFormatException Malformed(JsonException ex) =>
        new($"The plan is not valid JSON: {ex.Message}", ex);
}
