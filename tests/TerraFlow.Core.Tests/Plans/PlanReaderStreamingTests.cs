using System.Text;
using TerraFlow.Core.Plans;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>ReadAsync must give exactly what Read gives, whatever the chunking, and must not buffer whole plans.</summary>
public class PlanReaderStreamingTests
{
    /// <summary>
    /// A plan whose parts straddle the reader's 64 KiB buffer every way: a skipped prior_state several buffers long,
    /// one resource change larger than the buffer, hundreds of small entries, drift and outputs.
    /// </summary>
    private static byte[] BigPlan()
    {
        var sb = new StringBuilder("""{"format_version":"1.2","terraform_version":"1.9.5","prior_state":{"values":{"root_module":{"resources":[""");
        for (int i = 0; i < 3000; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append($$$$"""{"address":"aws_s3_bucket.b{{{{i}}}}","values":{"bucket":"bucket-{{{{i}}}}","tags":{"n":"{{{{i}}}}"}}}""");
        }
        sb.Append("]}}},\"resource_changes\":[");
        string huge = new('p', 200_000);
        sb.Append($$$$"""{"address":"aws_iam_policy.huge","mode":"managed","type":"aws_iam_policy","name":"huge","change":{"actions":["update"],"before":{"policy":"{{{{huge}}}}a"},"after":{"policy":"{{{{huge}}}}b"},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}""");
        for (int i = 0; i < 400; i++)
        {
            string actions = (i % 5) switch { 0 => "[\"create\"]", 1 => "[\"update\"]", 2 => "[\"delete\",\"create\"]", 3 => "[\"delete\"]", _ => "[\"no-op\"]" };
            sb.Append($$$$""",{"address":"aws_instance.i[{{{{i}}}}]","mode":"managed","type":"aws_instance","name":"i","index":{{{{i}}}},"change":{"actions":{{{{actions}}}},"before":{"id":"i-{{{{i}}}}","size":{{{{i}}}},"tags":{"Name":"n{{{{i}}}}","k\"q":"v"}},"after":{"size":{{{{i + 1}}}},"tags":{"Name":"n{{{{i}}}}"},"password":"s3cr3t-{{{{i}}}}"},"after_unknown":{"id":true},"before_sensitive":{},"after_sensitive":{"password":true}}}""");
        }
        sb.Append("""],"resource_drift":[{"address":"aws_instance.i[0]","mode":"managed","type":"aws_instance","name":"i","change":{"actions":["update"],"before":{"size":1},"after":{"size":2}}}],""");
        sb.Append("""  "output_changes" : { "ip" : {"actions":["create"],"after_unknown":true,"before_sensitive":false,"after_sensitive":false} } , "errored" : false }  """);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Fact]
    public async Task Trickling_a_big_plan_a_few_bytes_at_a_time_matches_the_span_reading()
    {
        byte[] bytes = BigPlan();
        var fromSpan = PlanReader.Read(bytes);
        Assert.Equal(401, fromSpan.ResourceChanges.Count);
        Assert.True(fromSpan.ResourceChanges[0].Diffs.Single().After!.Length <= 200);

        var streamed = await PlanReader.ReadAsync(new TrickleStream(bytes, seed: 42), CancellationToken.None);

        Assert.Equal(PlanTestSupport.Dump(fromSpan), PlanTestSupport.Dump(streamed));
        Assert.DoesNotContain("s3cr3t", PlanTestSupport.Dump(streamed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_a_big_plan_in_large_chunks_matches_the_span_reading()
    {
        byte[] bytes = BigPlan();

        var streamed = await PlanReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(PlanTestSupport.Dump(PlanReader.Read(bytes)), PlanTestSupport.Dump(streamed));
        Assert.Equal(new PlanCounts(80, 81, 80, 80, 0, 0), streamed.Counts);
        Assert.Single(streamed.ResourceDrift);
        Assert.Equal("ip", Assert.Single(streamed.OutputChanges).Name);
    }

    [Fact]
    public async Task Skipped_sections_are_streamed_past_not_held_in_memory()
    {
        // 16 MiB of prior_state: reading it must allocate nowhere near that much.
        var sb = new StringBuilder("""{"format_version":"1.2","prior_state":[""");
        string item = "\"" + new string('s', 1000) + "\",";
        while (sb.Length < 16 * 1024 * 1024)
        {
            sb.Append(item);
        }
        sb.Append("""0],"resource_changes":[]}""");
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString()));
        sb.Clear();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var plan = await PlanReader.ReadAsync(stream, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("1.2", plan.FormatVersion);
        Assert.True(allocated < 2 * 1024 * 1024, $"Allocated {allocated:N0} bytes to skip 16 MiB");
    }

    [Fact]
    public async Task A_stream_that_ends_early_is_a_format_error()
    {
        byte[] bytes = BigPlan();

        await Assert.ThrowsAsync<PlanFormatException>(() =>
            PlanReader.ReadAsync(new MemoryStream(bytes, 0, bytes.Length / 2), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Garbage_far_into_a_stream_is_a_format_error()
    {
        byte[] bytes = BigPlan();
        bytes[^5] = (byte)'@';

        await Assert.ThrowsAsync<PlanFormatException>(() =>
            PlanReader.ReadAsync(new TrickleStream(bytes, 7), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Unsupported_format_version_is_rejected_when_streaming()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"format_version":"2.0","resource_changes":[]}""");

        var ex = await Assert.ThrowsAsync<PlanFormatException>(() =>
            PlanReader.ReadAsync(new TrickleStream(bytes, 3), CancellationToken.None).AsTask());
        Assert.Contains("2.0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            PlanReader.ReadAsync(new TrickleStream(BigPlan(), 1), cts.Token).AsTask());
    }
}
