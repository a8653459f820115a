using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// Approvals (review, comment or link: all end in the same recorded <see cref="Approval"/>) and policy overrides.
/// After either, projects with <c>apply: on_approval</c> whose requirements now hold are applied.
/// </summary>
internal static class ApprovalDecisions
{
    public static Decision OnApproval(RunState state, ApprovalSubmitted ev)
    {
        const string action = "approval";
        var reply = ev.Source != ApprovalSource.Review; // a review is visible by itself; answering it would be noise
        if (state.Status != RunStatus.Planned)
            return Decisions.Refuse(state, action, $"the run is {ApplyDecisions.StatusWord(state.Status)}; there is nothing to approve yet", reply);

        List<ProjectRunState> targets;
        if (ev.Project is { } name)
        {
            var p = state.FindProject(name);
            if (p is null) return Decisions.Refuse(state, action, $"this pull request's plan has no project `{name}`", reply);
            if (p.Status != ProjectRunStatus.Planned)
                return Decisions.Refuse(state, action, ApplyDecisions.WhyNotApplicable(p) ?? $"`{name}` is not waiting for approval", reply);
            targets = [p];
        }
        else
        {
            targets = state.Projects.Where(p => p.Status == ProjectRunStatus.Planned && Decisions.HasChanges(p)).ToList();
            if (targets.Count == 0) return Decisions.Refuse(state, action, "there are no planned changes waiting for approval", reply);
        }
        if (ev.WrittenAt is { } written && state.PlannedAt is { } posted && written < WholeSeconds(posted))
            return Decisions.Refuse(state, action,
                $"the plan changed after your comment: it was written at {written.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, before the current plan " +
                $"(commit `{Short(state.HeadSha)}`) was posted at {posted.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; review the current plan and comment `terraflow approve` again", reply);
        if (ev.PlanSha256 is { } sha && targets.Any(t => !string.Equals(t.PlanFileSha256, sha, StringComparison.OrdinalIgnoreCase)))
            return Decisions.Refuse(state, action, "the plan changed after this approval link was issued; use the link in the current plan comment", reply);

        var approval = new Approval(ev.Approver.Login, ev.Source, ev.At) { Permission = ev.Approver.Permission, Teams = ev.Approver.Teams };
        var changed = new Dictionary<string, ProjectRunState>(StringComparer.Ordinal);
        var refused = new List<string>();
        foreach (var t in targets)
        {
            if (t.Approvals.Any(a => string.Equals(a.User, approval.User, StringComparison.OrdinalIgnoreCase)))
                refused.Add($"`{t.Definition.Name}`: @{approval.User} already approved it");
            else if (Eligibility.WhyNotApprover(approval, t, ev.Facts.Author) is { } why)
                refused.Add($"`{t.Definition.Name}`: {why}");
            else
                changed[t.Definition.Name] = t with { Approvals = [.. t.Approvals, approval] };
        }
        if (changed.Count == 0) return Decisions.Refuse(state, action, refused, reply);

        var next = Decisions.Replace(state, changed);
        var effects = new List<Effect> { new SyncComment() };
        if (reply) effects.Add(new PostReply(Replies.Approved(changed.Keys.ToList(), approval.User, ev.Source, refused)));
        var decision = new Decision(next, effects, "approved", $"{approval.User} ({ev.Source.ToString().ToLowerInvariant()}): {string.Join(", ", changed.Keys)}");
        return ApplyIfReady(decision, changed.Keys, approval.User, ev.Facts, ev.Locks);
    }

    /// <summary>VCS hosts give comment times in whole seconds; a comment in the same second as the plan is not refused.</summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    public static Decision OnPolicyOverride(RunState state, PolicyOverrideRequested ev, PullRequestFacts facts, LockView locks)
    {
        const string action = "policy override";
        if (state.Status != RunStatus.Planned)
            return Decisions.Refuse(state, action, $"the run is {ApplyDecisions.StatusWord(state.Status)}");

        var candidates = ev.Project is { } name
            ? state.Projects.Where(p => p.Definition.Name == name).ToList()
            : state.Projects.Where(p => p.Status == ProjectRunStatus.Planned && p.Policy is { } pol && (pol.Denied || pol.ApprovalRules.Any())).ToList();
        if (ev.Project is not null && candidates.Count == 0)
            return Decisions.Refuse(state, action, $"this pull request's plan has no project `{ev.Project}`");
        candidates = candidates.Where(p => p.PolicyOverride is null && p.Policy is { } pol && (pol.Denied || pol.ApprovalRules.Any())).ToList();
        if (candidates.Count == 0) return Decisions.Refuse(state, action, "no policy result needs an override");

        var changed = new Dictionary<string, ProjectRunState>(StringComparer.Ordinal);
        var refused = new List<string>();
        var effects = new List<Effect>();
        foreach (var p in candidates)
        {
            if (Eligibility.WhyNotPolicyOwner(ev.By, p) is { } why) { refused.Add(why); continue; }
            changed[p.Definition.Name] = p with { PolicyOverride = new Approval(ev.By.Login, ApprovalSource.Comment, ev.At) { Permission = ev.By.Permission, Teams = ev.By.Teams } };
            effects.Add(new SetCommitStatus(p.Definition.Name, CommitState.Success, $"Overridden by @{ev.By.Login}") { Kind = StatusKind.Policy });
        }
        if (changed.Count == 0) return Decisions.Refuse(state, action, refused);

        effects.Add(new PostReply(Replies.PoliciesOverridden(changed.Keys.ToList(), ev.By.Login)));
        effects.Add(new SyncComment());
        var decision = new Decision(Decisions.Replace(state, changed), effects, "policies-overridden", $"by {ev.By.Login}: {string.Join(", ", changed.Keys)}");
        return ApplyIfReady(decision, changed.Keys, ev.By.Login, facts, locks);
    }

    /// <summary>
    /// Starts the apply of <paramref name="projects"/> set to <c>apply: on_approval</c> whose requirements now hold, with the
    /// approved on_approval projects depending on them; a dependent whose dependency is applying waits for it.
    /// </summary>
    private static Decision ApplyIfReady(Decision decision, IEnumerable<string> projects, string by, PullRequestFacts facts, LockView locks)
    {
        var state = decision.State;
        var ready = projects.Select(state.FindProject).OfType<ProjectRunState>()
            .Where(p => p.Definition.Apply.When == ApplyTrigger.OnApproval && p.Status == ProjectRunStatus.Planned && Decisions.HasChanges(p))
            .Where(p => ApplyDecisions.Problems(state, [p], facts, locks, merged: false).Count == 0)
            .ToList();
        if (ready.Count == 0) return decision;
        // An approved dependent held back by its dependency's unapplied changes now waits for that dependency's apply.
        ready = ApplyDecisions.WithApprovedDependents(state, ready, facts, locks, merged: false);
        var started = ApplyDecisions.Start(state, ready, by, decision.AuditAction, reply: true, decision.Effects.Where(e => e is not SyncComment));
        return started with { AuditDetail = decision.AuditDetail + "; " + started.AuditDetail };
    }
}
