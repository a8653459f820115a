using Microsoft.Extensions.Logging;
using TerraFlow.Application.Comments;
using TerraFlow.Application.Links;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Outbox;

/// <summary>
/// Sends outbox rows to the VCS host, one claimed row at a time; several dispatchers share the work, and comment syncs
/// of one run take turns (<see cref="IOutboxClaim.HoldRunCommentAsync"/>). No database transaction is open during a
/// VCS call: the claim is taken, the message sent, and the outcome recorded in a short transaction of its own.
/// Transient failures retry with exponential backoff; a permanent refusal (4xx) is recorded and not retried. A status
/// that may have been sent before (a failed attempt, or a row older than this process: its sender may have crashed
/// between the POST and recording the outcome) first reads the commit's statuses and is not sent again when the same
/// state and description are already visible; a first attempt costs no extra request.
/// </summary>
public sealed class OutboxDispatcher(IOutboxQueue queue, IVcsClients vcs, CommentSync comments, CommentOptions options, ILogger<OutboxDispatcher> logger,
    IEnumerable<Drift.IDriftReporter>? driftReporters = null)
{
    private readonly Dictionary<string, Drift.IDriftReporter> _driftReporters =
        (driftReporters ?? []).GroupBy(Drift.DriftReporterNames.Of).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private const int MaxAttempts = 15;

    /// <summary>When this host's dispatcher was made: rows created before may have been attempted by a host that died mid-send.</summary>
    private readonly DateTime _startedAt = DateTime.UtcNow;

    /// <returns>False when nothing was due.</returns>
    public async Task<bool> DispatchNextAsync(CancellationToken ct)
    {
        await using var claim = await queue.ClaimNextAsync(ct);
        if (claim is null) return false;
        var item = claim.Item;
        try
        {
            RunCommentIds? commentIds = null;
            if (item.Message is SyncCommentMessage sync)
            {
                // Another dispatcher's sync of this run already covered this row: its comment shows our change.
                if (!await claim.HoldRunCommentAsync(ct)) return true;
                commentIds = await comments.SyncAsync(sync.RunId ?? throw new InvalidOperationException("sync_comment without run"), ct);
            }
            else await SendAsync(item, ct);
            await claim.CompleteAsync(commentIds, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Comment ids of a failed sync are not saved, which is safe: the retry finds those comments by their marker.
            var permanent = ex is VcsPermanentException || item.Attempts + 1 >= MaxAttempts;
            logger.LogWarning("Outbox {Id} ({Kind}, run {RunId}) failed on attempt {Attempt}: {Error}{Final}",
                item.Id, item.Message.GetType().Name, item.Message.RunId, item.Attempts + 1, ex.Message, permanent ? " (not retried)" : "");
            await claim.FailAsync(ex.Message, permanent, ct);
        }
        return true;
    }

    private async Task SendAsync(OutboxItem item, CancellationToken ct)
    {
        switch (item.Message)
        {
            case SetStatusMessage status:
                var state = Enum.Parse<CommitState>(status.State);
                // With a public URL, the status links to the run's console page (people click it; the JSON needs a session or token).
                var link = status.RunId is { } id ? RunLinks.Page(options.PublicUrl, id) : null;
                var statusRepo = new RepoRef(status.Owner, status.Repo, status.InstallationId);
                var statusClient = vcs.For(status.Provider!);
                var wanted = new CommitStatus(status.Context, state, status.Description, link);
                if ((item.Attempts > 0 || item.CreatedAt < _startedAt) && statusClient is ICommitStatusReader reader &&
                    await AlreadyVisibleAsync(reader, statusRepo, status.Sha, wanted, ct))
                {
                    logger.LogInformation("Outbox {Id}: status '{Context}' on {Sha} is already {State} on the VCS host; not sent again",
                        item.Id, status.Context, status.Sha, status.State);
                    return;
                }
                await statusClient.SetCommitStatusAsync(statusRepo, status.Sha, wanted, ct);
                return;
            case ReplyMessage reply:
                var repo = new RepoRef(reply.Owner, reply.Repo, reply.InstallationId);
                var host = vcs.For(reply.Provider);
                var existing = await host.ListCommentsAsync(repo, reply.Number, ct);
                // Only TerraFlow's own earlier post counts: a comment anyone wrote with the marker must not silence the reply.
                var self = await host.GetOwnLoginAsync(repo, ct);
                if (!existing.Any(c => OwnComments.IsOwn(c, self) && c.Body.Contains(reply.Marker, StringComparison.Ordinal)))
                    await host.CreateCommentAsync(repo, reply.Number, reply.Marker + "\n" + reply.Body, ct);
                return;
            case DriftReportMessage drift:
                // Reporters are idempotent per (project, run): a retry after a crash mid-send repeats nothing visible.
                if (!_driftReporters.TryGetValue(drift.Reporter, out var reporter))
                    throw new VcsPermanentException($"no drift reporter '{drift.Reporter}' is registered in this host", 0);
                await reporter.ReportAsync(drift.Result, ct);
                return;
            case UnreadableOutboxMessage { Error: null } unknown:
                throw new VcsPermanentException($"unknown outbox kind '{unknown.Kind}'", 0);
            case UnreadableOutboxMessage unreadable:
                throw new InvalidOperationException($"outbox payload of kind '{unreadable.Kind}' does not parse: {unreadable.Error}");
            default:
                throw new VcsPermanentException($"no sender for outbox message {item.Message.GetType().Name}", 0);
        }
    }

    /// <summary>Same context, state and description (hosts may shorten long descriptions and end them with "…").</summary>
    private static async Task<bool> AlreadyVisibleAsync(ICommitStatusReader reader, RepoRef repo, string sha, CommitStatus wanted, CancellationToken ct)
    {
        var visible = (await reader.GetLatestStatusesAsync(repo, sha, ct)).FirstOrDefault(s => s.Context == wanted.Context);
        if (visible is null || visible.State != wanted.State) return false;
        return visible.Description == wanted.Description ||
               (visible.Description.EndsWith('…') && wanted.Description.StartsWith(visible.Description[..^1], StringComparison.Ordinal));
    }
}
