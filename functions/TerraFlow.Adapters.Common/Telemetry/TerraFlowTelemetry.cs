using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// TerraFlow's own traces and the metrics operators watch. Instruments cost nothing when no listener is attached
/// (Application Insights off), so code records unconditionally.
/// </summary>
public static class TerraFlowTelemetry
{
    public const string Name = "TerraFlow";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("runs.started", description: "runs created (pull request pushes and plan commands)");
    public static readonly Counter<long> RunsFinished = Meter.CreateCounter<long>("runs.finished", description: "runs that reached a final status; tag status");
    public static readonly Counter<long> WebhooksReceived = Meter.CreateCounter<long>("webhooks.received", description: "webhook deliveries; tag outcome");
    public static readonly Counter<long> JobsFailed = Meter.CreateCounter<long>("jobs.failed", description: "jobs whose outcome is a failure or whose handler threw; tag kind");
    public static readonly Histogram<double> WebhookAckDuration = Meter.CreateHistogram<double>("webhook.ack.duration", "ms", "time from request start to the webhook's answer");
    public static readonly Histogram<double> JobQueueWait = Meter.CreateHistogram<double>("job.queue.wait", "ms", "time a job waited between being queued and being claimed");
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("job.duration", "ms", "time a runner worked on a job; tag kind");

    /// <summary>
    /// Starts the runner's activity for a job as a child of the webhook request that caused it: the operation id
    /// is that request's W3C trace id, so both share one Application Insights operation. An operation id that is
    /// not a trace id (runs created before telemetry existed) starts a new trace and is kept as a tag.
    /// </summary>
    public static Activity? StartJob(string kind, long jobId, string operationId)
    {
        var parent = ParentOf(operationId);
        var activity = Source.StartActivity($"job {kind}", ActivityKind.Consumer, parent);
        activity?.SetTag("terraflow.job.id", jobId);
        activity?.SetTag("terraflow.job.kind", kind);
        activity?.SetTag("terraflow.operation_id", operationId);
        return activity;
    }

    /// <summary>The operation id to store for work caused by the current request: its trace id when there is one.</summary>
    public static string? CurrentOperationId() =>
        Activity.Current is { } a && a.TraceId != default ? a.TraceId.ToHexString() : null;

    internal static ActivityContext ParentOf(string operationId)
    {
        if (operationId.Length != 32 || !operationId.All(char.IsAsciiHexDigitLower)) return default;
        // The webhook's own span id is not carried in the job, so the parent span is synthetic; the trace id
        // (the Application Insights operation id) is what joins the two.
        return new ActivityContext(ActivityTraceId.CreateFromString(operationId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
    }
}
