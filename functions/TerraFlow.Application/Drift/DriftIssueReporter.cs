using Microsoft.Extensions.Logging;
using TerraFlow.Core.Drift;

namespace TerraFlow.Application.Drift;

/// <summary>
/// Keeps one VCS issue per drifted project (<see cref="IDriftReporter"/>): a check that finds drift opens the issue or
/// edits it in place; a failed check says so in it (beside the drift seen before, or in an issue of its own labelled
/// <see cref="DriftIssueText.FailedLabel"/>); a clean check comments and closes it. Idempotent per (project, run): the
/// row in <see cref="IDriftIssueStore"/> names the last run whose report finished; a retry of a half-finished report
/// finds the issue (by row, or by the marker in its body when the row is lost), skips an edit that is already there
/// and a closing comment already posted.
/// </summary>
public sealed class DriftIssueReporter(IEnumerable<IDriftIssueTracker> trackers, IDriftIssueStore store, TimeProvider time, ILogger<DriftIssueReporter> logger)
    : IDriftReporter
{
    private readonly IReadOnlyList<IDriftIssueTracker> _trackers = trackers.ToList();

    public async Task ReportAsync(DriftCheckResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.State == DriftState.Never) return;
        var provider = result.Repository.Provider;
        var tracker = _trackers.FirstOrDefault(t => string.Equals(t.Provider, provider, StringComparison.OrdinalIgnoreCase));
        if (tracker is null)
        {
            logger.LogDebug("No drift issues for {Provider} repositories; project {Project} is reported by the webhook only", provider, result.Project.Name);
            return;
        }

        var record = await store.GetAsync(result.Project.Id, ct).ConfigureAwait(false);
        if (record is not null && !string.Equals(record.Provider, provider, StringComparison.OrdinalIgnoreCase)) record = null;
        // Done already, or a later run's report is: a redelivered or late report changes nothing.
        if (record is not null && record.LastRunId >= result.RunId) return;

        var repo = result.Repository.Repo;
        var issue = record?.IssueNumber is { } known ? await tracker.GetAsync(repo, known, ct).ConfigureAwait(false) : null;
        // The search by marker (a listing of every drift issue of the repository) only where an issue may exist that
        // no row names: a row whose opening was interrupted, or a row lost while the project had drifted or failed.
        // First detections, the common case, need none: they are marked as being opened before the issue is created.
        var mayHaveIssue = record is not null || result.PreviousState is DriftState.Drifted or DriftState.Failed;
        if (issue is null && mayHaveIssue)
            issue = await FindByMarkerAsync(tracker, result, ct).ConfigureAwait(false);

        var (number, open) = result.State switch
        {
            DriftState.Drifted => await ShowAsync(tracker, result, record, issue, DriftIssueText.Drifted(result), ct).ConfigureAwait(false),
            DriftState.Failed => await ShowAsync(tracker, result, record, issue,
                DriftIssueText.Failed(result, issue is { Open: true } ? issue.Body : null), ct).ConfigureAwait(false),
            _ => await ResolveAsync(tracker, result, issue, ct).ConfigureAwait(false),
        };
        if (number is { } n)
            await store.SaveAsync(new DriftIssueRecord(result.Project.Id, provider, n, open, result.RunId, time.GetUtcNow()), ct).ConfigureAwait(false);
    }

    /// <summary>Creates the issue, or edits it (reopening it when TerraFlow closed it, not when a person did while it was still current).</summary>
    private async Task<(long?, bool)> ShowAsync(
        IDriftIssueTracker tracker, DriftCheckResult result, DriftIssueRecord? record, TrackedIssue? issue, DriftIssueDocument document, CancellationToken ct)
    {
        var repo = result.Repository.Repo;
        if (issue is null)
        {
            // Marked before the request, so a retry after a crash between the two searches instead of opening another.
            await store.SaveAsync(new DriftIssueRecord(result.Project.Id, result.Repository.Provider, null, false, record?.LastRunId ?? 0, time.GetUtcNow()), ct)
                .ConfigureAwait(false);
            var created = await tracker.CreateAsync(repo, document, ct).ConfigureAwait(false);
            logger.LogInformation("Opened drift issue #{Issue} for project {Project} of {Repository} ({State})",
                created.Number, result.Project.Name, repo.FullName, result.State);
            return (created.Number, true);
        }

        var reopen = !issue.Open && (record is null ? result.PreviousState != result.State : !record.Open);
        var open = issue.Open || reopen;
        var wanted = document with { Labels = MergeLabels(issue.Labels, document.Labels) };
        if (open != issue.Open || wanted.Title != issue.Title || wanted.Body != issue.Body || !SameLabels(wanted.Labels, issue.Labels))
            await tracker.UpdateAsync(repo, issue.Number, wanted, open, ct).ConfigureAwait(false);
        return (issue.Number, open);
    }

    /// <summary>Comments (once per run) and closes an open issue; a closed or missing one needs nothing.</summary>
    private async Task<(long?, bool)> ResolveAsync(IDriftIssueTracker tracker, DriftCheckResult result, TrackedIssue? issue, CancellationToken ct)
    {
        if (issue is null) return (null, false);
        if (!issue.Open) return (issue.Number, false);
        var repo = result.Repository.Repo;
        var own = await tracker.GetOwnLoginAsync(repo, ct).ConfigureAwait(false);
        var comments = await tracker.ListCommentBodiesAsync(repo, issue.Number, own, ct).ConfigureAwait(false);
        if (!comments.Any(c => DriftIssueText.IsCommentForRun(c, result.RunId)))
        {
            var lastReported = issue.Labels.Contains(DriftIssueText.FailedLabel, StringComparer.OrdinalIgnoreCase) && result.PreviousState == DriftState.Failed
                ? DriftState.Failed
                : DriftState.Drifted;
            await tracker.CommentAsync(repo, issue.Number, DriftIssueText.ResolvedComment(result, lastReported), ct).ConfigureAwait(false);
        }
        var document = DriftIssueText.Resolved(result, issue.Body, issue.Title);
        await tracker.UpdateAsync(repo, issue.Number, document with { Labels = MergeLabels(issue.Labels, document.Labels) }, open: false, ct).ConfigureAwait(false);
        logger.LogInformation("Closed drift issue #{Issue} for project {Project} of {Repository}: no drift", issue.Number, result.Project.Name, repo.FullName);
        return (issue.Number, false);
    }

    /// <summary>
    /// The project's issue found by the marker on its body's first line, among the issues with the drift label that
    /// TerraFlow's own identity opened (anyone can write an issue that looks like TerraFlow's). The newest wins.
    /// </summary>
    private static async Task<TrackedIssue?> FindByMarkerAsync(IDriftIssueTracker tracker, DriftCheckResult result, CancellationToken ct)
    {
        var repo = result.Repository.Repo;
        var own = await tracker.GetOwnLoginAsync(repo, ct).ConfigureAwait(false);
        var issues = await tracker.ListByLabelAsync(repo, DriftIssueText.Label, ct).ConfigureAwait(false);
        return issues
            .Where(i => own is null || string.Equals(i.Author, own, StringComparison.OrdinalIgnoreCase))
            .Where(i => DriftIssueText.IsFor(i.Body, result.Project))
            .OrderByDescending(i => i.Open)
            .ThenByDescending(i => i.Number)
            .FirstOrDefault();
    }

    /// <summary>The document's labels plus any a person added; TerraFlow's own labels only as the document has them.</summary>
    private static IReadOnlyList<string> MergeLabels(IReadOnlyList<string> current, IReadOnlyList<string> wanted) =>
        current.Where(l => !string.Equals(l, DriftIssueText.Label, StringComparison.OrdinalIgnoreCase)
                           && !string.Equals(l, DriftIssueText.FailedLabel, StringComparison.OrdinalIgnoreCase))
            .Concat(wanted)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    private static bool SameLabels(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(l => b.Contains(l, StringComparer.OrdinalIgnoreCase));
}
