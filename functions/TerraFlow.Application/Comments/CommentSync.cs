using System.Text;
using TerraFlow.Application.Outbox;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Comments;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Comments;

/// <summary>
/// Makes the pull request show the run's current state in its comment(s): edits the comments it made before, creates
/// them the first time. No database transaction is open while it talks to the VCS host: it reads the committed run,
/// sends, and returns the comment ids for the caller to save with the outcome. If a crash loses them after a comment
/// was created, the hidden marker in the comment lets the next attempt find and adopt it instead of posting a
/// duplicate (only a comment written by TerraFlow's own identity is adopted: see <see cref="OwnComments"/>). The
/// caller keeps other syncs of the same run out meanwhile (<see cref="IOutboxClaim.HoldRunCommentAsync"/>).
/// </summary>
public sealed class CommentSync(IWorkflowStore runs, IVcsClients clients, IArtifactStore artifacts, CommentOptions options, IApprovalLinkIssuer links, TimeProvider time)
{
    private const int MaxPlanTextCharacters = 200_000;

    /// <returns>The comment ids to save, or null when they did not change.</returns>
    public async Task<RunCommentIds?> SyncAsync(long runId, CancellationToken ct)
    {
        var run = await runs.LoadRunSnapshotAsync(runId, ct)
            ?? throw new InvalidOperationException($"run {runId} does not exist");
        var bodies = RunCommentRenderer.Render(await BuildViewAsync(run, ct));
        var repo = run.Context.Repo;
        var number = run.Context.PullRequestNumber;
        var vcs = clients.For(run.Context.Provider);

        var ids = run.CommentIds.ToList();
        if (ids.Count == 0) ids = await FindOwnCommentsAsync(vcs, repo, number, runId, ct);

        for (var part = 0; part < bodies.Count; part++)
        {
            if (part < ids.Count) await vcs.UpdateCommentAsync(repo, ids[part], bodies[part], ct);
            else ids.Add(await vcs.CreateCommentAsync(repo, number, bodies[part], ct));
        }
        // Continuation comments no longer needed (the plan shrank) are emptied rather than deleted: deleting would
        // shift what readers already linked to.
        for (var part = bodies.Count; part < ids.Count; part++)
            await vcs.UpdateCommentAsync(repo, ids[part], $"<!-- terraflow:run:{runId}:part:{part} -->\n_(This continuation of the TerraFlow plan comment is no longer needed.)_", ct);

        return ids.SequenceEqual(run.CommentIds) ? null : new RunCommentIds(runId, ids);
    }

    private const string UntrustedWarning =
        "This pull request comes from a fork or from an author without write access, so it was planned **without any credentials** " +
        "(`TerraFlow__PullRequests__ForkPlans=restricted`) and TerraFlow will not apply it.";

    private static async Task<List<long>> FindOwnCommentsAsync(IVcsClient vcs, RepoRef repo, int number, long runId, CancellationToken ct)
    {
        var found = new SortedDictionary<int, long>();
        // The marker is public and run ids are sequential, so anyone can post a comment carrying the next run's marker:
        // only comments TerraFlow itself wrote are adopted (and so ever edited).
        var self = await vcs.GetOwnLoginAsync(repo, ct);
        foreach (var comment in await vcs.ListCommentsAsync(repo, number, ct))
            if (OwnComments.IsOwn(comment, self) && RunCommentRenderer.TryParseMarker(comment.Body, out var markedRun, out var part) && markedRun == runId)
                found.TryAdd(part, comment.Id);
        var ids = new List<long>();
        // Only a gap-free prefix is usable; anything after a gap is rewritten as new parts.
        for (var part = 0; found.TryGetValue(part, out var id); part++) ids.Add(id);
        return ids;
    }

    private async Task<RunView> BuildViewAsync(StoredRun run, CancellationToken ct)
    {
        var projects = new List<ProjectView>(run.State.Projects.Count);
        foreach (var p in run.State.Projects)
        {
            // The plan stays visible after it was applied: readers compare it with the apply output.
            var planText = p.Plan is not null && p.Status != ProjectRunStatus.Failed && p.Artifacts is { } a ? await ReadTextAsync(a.PlanText, ct) : null;
            projects.Add(new ProjectView(p.Definition.Name, p.Definition.Dir, p.Definition.Workspace, p.Status, p.Plan, planText, p.Error)
            {
                Policy = p.Policy,
                PolicyOverriddenBy = p.PolicyOverride?.User,
                ApprovedBy = p.Approvals.Select(x => x.User).ToList(),
                ApprovalsRequired = p.Definition.Apply.Requirements.Contains(ApplyRequirement.Approved) ? p.Definition.Apply.Approvals.Count : 0,
                ApprovalUrl = ApprovalUrl(run, p),
                ApplyBlockers = Blockers(run, p),
                Apply = p.Apply,
                WaitingBehind = p.WaitingBehind,
                UnchangedSince = p.UnchangedSince,
                StepOutputs = p.StepOutputs,
            });
        }
        var s = run.State;
        return new RunView(s.RunId, s.HeadSha, s.Status, s.SupersededBySha, s.ConfigError, s.FailureMessage, projects, options.PublicUrl)
        {
            Merged = s.Merged,
            // The rule-change notice (rules come from the base branch) is TerraFlow's own markdown, repository text in code spans.
            Warnings = [.. s.Untrusted ? [UntrustedWarning] : Array.Empty<string>(), .. s.RuleNotice is null ? [] : new[] { s.RuleNotice }],
        };
    }

    /// <summary>
    /// What still stands between a planned project and its apply, as far as the stored state tells (mergeability is
    /// checked against the VCS host when the apply is requested).
    /// </summary>
    private static IReadOnlyList<string> Blockers(StoredRun run, ProjectRunState p)
    {
        if (run.State.Status != RunStatus.Planned || p.Status != ProjectRunStatus.Planned || p.Plan?.Counts.HasChanges != true) return [];
        var assumed = new PullRequestFacts(run.State.HeadSha, Author: "", Mergeable: true, Undiverged: true);
        return ApplyRequirements.Unmet(p, run.State.HeadSha, assumed, merged: false);
    }

    /// <summary>A fresh signed link per rendering; each is bound to this plan's hash, expires, and works once.</summary>
    private string? ApprovalUrl(StoredRun run, ProjectRunState p)
    {
        if (run.State.Status != RunStatus.Planned || p.Status != ProjectRunStatus.Planned || p.Plan?.Counts.HasChanges != true || p.PlanFileSha256 is null)
            return null;
        var wanted = p.Definition.Apply.Requirements.Contains(ApplyRequirement.Approved) || Eligibility.OpenPolicyApprovalRules(p).Any();
        return wanted ? links.Issue(run.Context.RunId, p.Definition.Name, p.PlanFileSha256, time.GetUtcNow()) : null;
    }

    private async Task<string?> ReadTextAsync(string key, CancellationToken ct)
    {
        await using var stream = await artifacts.OpenReadAsync(key, ct);
        if (stream is null) return null;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxPlanTextCharacters];
        var read = await reader.ReadBlockAsync(buffer, ct);
        return new string(buffer, 0, read);
    }
}
