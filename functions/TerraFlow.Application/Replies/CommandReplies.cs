using TerraFlow.Application.Outbox;
using TerraFlow.Application.Ports;

namespace TerraFlow.Application.Replies;

/// <summary>A reply to a command that has no run to attach to; the delivery id makes its marker unique, so a retried send never posts twice.</summary>
public static class CommandReplies
{
    public static void Add(IOutbox outbox, PullRequestAddress pullRequest, string deliveryId, string body) =>
        outbox.AddReply(null, pullRequest, Marker(deliveryId), body);

    /// <summary>The same reply as a message, for code that writes the outbox directly.</summary>
    public static ReplyMessage For(PullRequestAddress pullRequest, string deliveryId, string body) =>
        new(pullRequest.Provider, pullRequest.Repo.Owner, pullRequest.Repo.Name, pullRequest.Repo.InstallationId, pullRequest.Number, Marker(deliveryId), body);

    private static string Marker(string deliveryId) => $"<!-- terraflow:reply:{deliveryId} -->";
}
