using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>A job result taken off the results queue: its identity and either a checked result or why not.</summary>
internal static class JobResultMessage
{
    /// <summary>A result already decoded by the Service Bus client, checked before it may reach the workflow inbox.</summary>
    public static JobResultDelivery FromResult(string messageId, int deliveryCount, JobResult result) =>
        JobWire.ResultProblem(result) is { } problem
            ? new JobResultDelivery(messageId, deliveryCount, null, problem)
            : new JobResultDelivery(messageId, deliveryCount, result, null);
}
