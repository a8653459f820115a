using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// TerraFlow's own traces and the metrics operators watch. Instruments cost nothing when no listener is attached
/// (telemetry off), so code records unconditionally. AddTerraFlowTelemetry subscribes OpenTelemetry to both names.
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
    /// HttpContext item where an endpoint serving several hosts from one route template puts the route of the host
    /// it served (<c>/api/webhooks/github</c>); the request span is named after it.
    /// </summary>
    public const string ServedRouteItem = "terraflow.http.route";

    /// <summary>
    /// Starts the runner's activity for a job as a child of the webhook request that caused it. The job carries that
    /// request's W3C traceparent (<see cref="CurrentOperationId"/>), so the job is a child of the request span and
    /// both share one Application Insights operation. A bare trace id (runs queued before jobs carried a traceparent)
    /// still joins the operation under a synthetic parent span; anything else (a delivery id) starts a new trace and
    /// is kept as a tag.
    /// </summary>
    public static Activity? StartJob(string kind, long jobId, string operationId)
    {
        var parent = ParentOf(operationId);
        var activity = Source.StartActivity($"job {kind}", ActivityKind.Consumer, parent);
        activity?.SetTag("terraflow.job.id", jobId);
        activity?.SetTag("terraflow.job.kind", kind);
        activity?.SetTag("terraflow.operation_id", OperationIdOf(operationId));
        return activity;
    }

    /// <summary>
    /// What to store as the operation id of work caused by the current request: its W3C traceparent
    /// (<c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c>), which travels with the run into every job. Null outside a trace.
    /// </summary>
    public static string? CurrentOperationId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, TraceId: var t } a && t != default ? a.Id : null;

    /// <summary>The Application Insights operation id (the trace id) of a stored operation id; other values as they are.</summary>
    public static string OperationIdOf(string stored) =>
        ActivityContext.TryParse(stored, null, out var context) ? context.TraceId.ToHexString() : stored;

    internal static ActivityContext ParentOf(string operationId)
    {
        if (ActivityContext.TryParse(operationId, null, isRemote: true, out var context)) return context;
        if (operationId.Length != 32 || !operationId.All(char.IsAsciiHexDigitLower)) return default;
        // An old job: only the trace id (the operation id) is known, so the parent span is synthetic.
        return new ActivityContext(ActivityTraceId.CreateFromString(operationId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
    }
}
