using TerraFlow.Application.Ports;

namespace TerraFlow.Application.Workflow;

/// <summary>A reply to a command that has no run to attach to; the delivery id makes its marker unique, so a retried send never posts twice.</summary>
public static class CommandReplies
{
    public static void Add(IWorkflowTransaction tx, PullRequestAddress pr, string deliveryId, string body) =>
        tx.Outbox.AddReply(null, pr, Marker(deliveryId), body);

    public static string Marker(string deliveryId) => $"<!-- terraflow:reply:{deliveryId} -->";
}
