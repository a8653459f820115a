using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Functions.Engine;

/// <summary>A reply to a command that has no run to attach to; the delivery id makes its marker unique, so a retried send never posts twice.</summary>
public static class CommandReplies
{
    public static Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, RepoRef repo, int number, string deliveryId, string body, CancellationToken ct) =>
        OutboxRepository.AddAsync(conn, tx, null, OutboxKinds.Reply,
            new ReplyPayload(provider, repo.Owner, repo.Name, repo.InstallationId, number, $"<!-- terraflow:reply:{deliveryId} -->", body), ct);
}
