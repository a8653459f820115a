using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Application.Jobs;

/// <summary>
/// Moves runner results from an at-least-once results queue (<see cref="IJobResultSource"/>) into the workflow inbox
/// (<see cref="IJobResultIntake"/>, which records each message id in the inbox's own transaction). The message is
/// acknowledged only after that commit, so a crash anywhere in between redelivers it and the intake finds it recorded:
/// no result is lost and none reaches the engine twice. The host runs <see cref="PumpAsync"/> in a loop (a long receive
/// returns as soon as a result arrives) and the timer runs <see cref="DrainAsync"/> for when no instance is warm.
/// </summary>
public sealed class JobResultPump(IJobResultSource source, IJobResultIntake intake, ILogger<JobResultPump> logger)
{
    /// <summary>One receive of up to <paramref name="max"/> results (waiting up to <paramref name="wait"/>); returns how many were recorded.</summary>
    public Task<int> PumpAsync(TimeSpan wait, int max, CancellationToken ct) => source.ReceiveAsync(RecordAsync, max, wait, ct);

    /// <summary>A drain for the timer's pass: one-second receives of up to 64 results until the queue is empty or the budget is used.</summary>
    public Task<int> DrainAsync(TimeSpan budget, CancellationToken ct) => DrainAsync(budget, TimeSpan.FromSeconds(1), 64, ct);

    /// <summary>Pumps until the queue answers empty or <paramref name="budget"/> is used; returns how many results were recorded.</summary>
    public async Task<int> DrainAsync(TimeSpan budget, TimeSpan wait, int max, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var total = 0;
        while (clock.Elapsed < budget)
        {
            var handled = await PumpAsync(wait, max, ct);
            if (handled == 0) break;
            total += handled;
        }
        return total;
    }

    /// <summary>Records one delivery; throws when the database cannot, so the delivery is not acknowledged.</summary>
    public async Task RecordAsync(JobResultDelivery delivery, CancellationToken ct)
    {
        var outcome = await intake.RecordAsync(delivery, ct);
        switch (outcome)
        {
            case JobResultIntakeOutcome.Rejected:
                logger.LogWarning("Result message {MessageId} rejected (delivery {Delivery}), not retried: {Problem}", delivery.MessageId, delivery.DeliveryCount, delivery.Problem);
                break;
            case JobResultIntakeOutcome.Duplicate:
                logger.LogInformation("Result message {MessageId} was already recorded; nothing changed", delivery.MessageId);
                break;
            default:
                logger.LogDebug("Result of job {JobId} ({Kind}) of run {RunId} recorded for the workflow", delivery.Result!.JobId, delivery.Result.Kind, delivery.Result.RunId);
                break;
        }
    }
}
