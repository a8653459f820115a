using System.Globalization;
using Azure.Messaging.ServiceBus;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>Bodies (Core's <see cref="JobWire"/>, the same as the PostgreSQL transport's) and message ids of job and result messages.</summary>
internal static class JobMessages
{
    public const string RunIdProperty = "RunId";
    public const string JsonContentType = "application/json";

    /// <summary>MessageId = job id: the queue's duplicate detection drops a resend of the same job (outbox retry after a crash).</summary>
    public static ServiceBusMessage Job(long jobId, JobSpec spec) => new(JobWire.Body(new JobMessage(jobId, spec)))
    {
        MessageId = JobMessageId(jobId),
        CorrelationId = spec.OperationId,
        Subject = spec.Kind,
        ContentType = JsonContentType,
        ApplicationProperties = { [RunIdProperty] = spec.RunId },
    };

    /// <summary>
    /// One result per delivery: a stale delivery's result and the next delivery's result differ in id (both may
    /// arrive; the workflow ignores a result for a project or run that is no longer waiting for one), while a retried
    /// send of the same delivery is dropped by duplicate detection and, after that window, by the host's
    /// processed-messages record.
    /// </summary>
    public static ServiceBusMessage Result(JobResult result, int deliveryCount) => new(JobWire.Body(result))
    {
        MessageId = ResultMessageId(result.JobId, deliveryCount),
        Subject = result.Kind,
        ContentType = JsonContentType,
        ApplicationProperties = { [RunIdProperty] = result.RunId },
    };

    public static string JobMessageId(long jobId) => jobId.ToString(CultureInfo.InvariantCulture);

    public static string ResultMessageId(long jobId, int deliveryCount) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}-{deliveryCount}");

    public static JobMessage? TryReadJob(BinaryData body) => JobWire.TryRead<JobMessage>(body.ToMemory().Span);

    public static JobResult? TryReadResult(BinaryData body) => JobWire.TryRead<JobResult>(body.ToMemory().Span);
}
