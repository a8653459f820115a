using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Application.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// With Service Bus as the job transport, in both hosts (standalone and the isolated worker, which has no Service Bus
/// trigger): drains the results queue into the workflow inbox through <see cref="IJobResultIntake"/>, an idempotent
/// write keyed by the message id.
/// </summary>
internal sealed class ServiceBusResultsLoop(
    IJobResultIntake intake,
    ServiceBusJobDispatcher dispatcher,
    EngineOptions options,
    ILogger<ServiceBusResultsLoop> logger) : BackgroundService
{
    /// <summary>Records one result; completing the message is left to the drain, after this returns.</summary>
    public async Task HandleAsync(ResultDelivery delivery, CancellationToken ct)
    {
        var message = JobResultMessage.FromResult(delivery.MessageId, delivery.DeliveryCount, delivery.Result);
        var outcome = await intake.RecordAsync(message, ct);
        if (outcome == JobResultIntakeOutcome.Rejected)
            logger.LogWarning("Result message {MessageId} rejected, not retried: {Problem}", message.MessageId, message.Problem);
        else if (outcome == JobResultIntakeOutcome.Duplicate)
            logger.LogInformation("Result message {MessageId} was already processed; nothing changed", message.MessageId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Each empty receive is a long poll (DrainReceiveTimeout), so this loop needs no sleep of its own.
                await dispatcher.DrainResultDeliveriesAsync(HandleAsync, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The message that failed stays locked and comes back after its lock expires.
                logger.LogError(ex, "Draining Service Bus results failed; retrying");
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
