using System.Globalization;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>Bodies (Core's <see cref="JobWire"/>, the same as the PostgreSQL transport's) and message ids of job and result messages.</summary>
internal static class JobMessages
{
    public static ServiceBusOutgoingMessage Job(long jobId, JobSpec spec) => new(
        JobWire.Body(new JobMessage(jobId, spec)),
        new OutgoingBrokerProperties { MessageId = JobMessageId(jobId), CorrelationId = spec.OperationId, Label = spec.Kind },
        new Dictionary<string, string> { ["RunId"] = spec.RunId.ToString(CultureInfo.InvariantCulture) });

    /// <summary>
    /// One result per delivery: a stale delivery's result and the next delivery's result differ in id (both may
    /// arrive; the host keeps the first for a job), while a retried send of the same delivery is dropped by duplicate
    /// detection.
    /// </summary>
    public static ServiceBusOutgoingMessage Result(JobResult result, int deliveryCount) => new(
        JobWire.Body(result),
        new OutgoingBrokerProperties { MessageId = ResultMessageId(result.JobId, deliveryCount), Label = result.Kind },
        new Dictionary<string, string> { ["RunId"] = result.RunId.ToString(CultureInfo.InvariantCulture) });

    public static string JobMessageId(long jobId) => jobId.ToString(CultureInfo.InvariantCulture);

    public static string ResultMessageId(long jobId, int deliveryCount) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}-{deliveryCount}");

    public static JobMessage? TryReadJob(ReadOnlyMemory<byte> body) => JobWire.TryRead<JobMessage>(body.Span);

    public static JobResult? TryReadResult(ReadOnlyMemory<byte> body) => JobWire.TryRead<JobResult>(body.Span);

    /// <summary>The result a delivery past the attempt limit gets, shaped like the PostgreSQL lease sweeper's.</summary>
    public static JobResult Exhausted(long jobId, int attempts, JobSpec spec) => JobFailures.Exhausted(jobId, attempts, spec);
}
