using TerraFlow.Application.Outbox;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Replies;

/// <summary>A reply to a command that has no run to attach to; the delivery id makes its marker unique, so a retried send never posts twice.</summary>
public static class CommandReplies
{
    public static ReplyMessage For(string provider, RepoRef repo, int number, string deliveryId, string body) =>
        new(provider, repo.Owner, repo.Name, repo.InstallationId, number, $"<!-- terraflow:reply:{deliveryId} -->", body);
}
