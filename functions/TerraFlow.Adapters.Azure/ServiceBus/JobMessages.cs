using System.Globalization;
using System.Text;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>The body of a job message: the job's id in the TerraFlow database and its spec (small: no artifacts).</summary>
public sealed record JobMessage(long JobId, JobSpec Spec);

/// <summary>Bodies and message ids of job and result messages; one JSON shape with the PostgreSQL transport.</summary>
internal static class JobMessages
{
    public static ServiceBusOutgoingMessage Job(long jobId, JobSpec spec) => new(
        Encoding.UTF8.GetBytes(StoreJson.Serialize(new JobMessage(jobId, spec))),
        new OutgoingBrokerProperties { MessageId = JobMessageId(jobId), CorrelationId = spec.OperationId, Label = spec.Kind },
        new Dictionary<string, string> { ["RunId"] = spec.RunId.ToString(CultureInfo.InvariantCulture) });

    /// <summary>
    /// One result per delivery: a stale delivery's result and the next delivery's result differ in id (both may
    /// arrive; the host keeps the first for a job), while a retried send of the same delivery is dropped by duplicate
    /// detection.
    /// </summary>
    public static ServiceBusOutgoingMessage Result(JobResult result, int deliveryCount) => new(
        Encoding.UTF8.GetBytes(StoreJson.Serialize(result)),
        new OutgoingBrokerProperties { MessageId = ResultMessageId(result.JobId, deliveryCount), Label = result.Kind },
        new Dictionary<string, string> { ["RunId"] = result.RunId.ToString(CultureInfo.InvariantCulture) });

    public static string JobMessageId(long jobId) => jobId.ToString(CultureInfo.InvariantCulture);

    public static string ResultMessageId(long jobId, int deliveryCount) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}-{deliveryCount}");

    public static JobMessage? TryReadJob(ReadOnlyMemory<byte> body) => TryRead<JobMessage>(body);

    public static JobResult? TryReadResult(ReadOnlyMemory<byte> body) => TryRead<JobResult>(body);

    /// <summary>The result a delivery past the attempt limit gets, shaped like the PostgreSQL lease sweeper's.</summary>
    public static JobResult Exhausted(long jobId, int attempts, JobSpec spec) => JobFailures.Exhausted(jobId, attempts, spec);

    private static T? TryRead<T>(ReadOnlyMemory<byte> body) where T : class
    {
        try
        {
            return StoreJson.Deserialize<T>(Encoding.UTF8.GetString(body.Span));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
