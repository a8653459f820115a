using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>The one bold sentence under the heading that says where the whole run stands, from discovery to merge.</summary>
internal static class RunStateLine
{
    public static string For(RunView run)
    {
        var breakdown = Breakdown(run.Projects);
        var projects = run.Projects.Where(p => p.Status != ProjectRunStatus.Skipped).ToList();
        var finished = projects.Count(p => p.Status.IsFinal());
        var failed = projects.Count(p => p.Status == ProjectRunStatus.Failed || p.Plan is { Errored: true });
        var changed = projects.Count(p => p.Status == ProjectRunStatus.Planned && StatusText.HasChanges(p));
        return run.Status switch
        {
            RunStatus.Discovering => "🔍 **Discovering projects** — reading the repository configuration to find the affected projects.",
            RunStatus.Planning => $"🔄 **Planning** — {MarkdownText.Count(finished)} of {MarkdownText.Plural(projects.Count, "project", "projects")} finished{breakdown}.",
            RunStatus.Planned when ApplyLine(run, breakdown) is { } applyLine => applyLine,
            RunStatus.Planned when failed > 0 => $"⚠️ **Plan finished with failures**{breakdown}.",
            RunStatus.Planned when changed > 0 => $"📝 **Plan finished**{breakdown}.",
            RunStatus.Planned => $"✅ **Plan finished** — no changes{breakdown}.",
            RunStatus.NoProjects => "ℹ️ **Nothing to plan** — this pull request changes no Terraform project.",
            RunStatus.Failed => $"❌ **Run failed**{breakdown}.",
            RunStatus.AwaitingAuthorization => "🔐 **Waiting for a maintainer** — " + (run.FailureMessage ?? "this pull request must be authorized with `terraflow plan`."),
            RunStatus.Superseded => $"⛔ **Superseded** — state when it was replaced{breakdown}.",
            RunStatus.Closed when run.Merged => $"🔀 **Pull request merged** — this comment is kept for reference and no longer updated{breakdown}.",
            RunStatus.Closed => $"🔒 **Pull request closed** — this plan is kept for reference and no longer updated{breakdown}.",
            _ => $"**{run.Status}**{breakdown}.",
        };
    }

    /// <summary>
    /// At least one project was applied and nothing is left to apply: every other planned project has no changes.
    /// </summary>
    public static bool AllApplied(RunView run) =>
        run.Projects.Any(p => p.Status == ProjectRunStatus.Applied) &&
        run.Projects.All(p => p.Status is ProjectRunStatus.Applied or ProjectRunStatus.Skipped ||
                              (p.Status == ProjectRunStatus.Planned && p.Plan is { Errored: false } && !StatusText.HasChanges(p)));

    /// <summary>The state line once applying has started (or a lock holds the run back); null while it is only planned.</summary>
    private static string? ApplyLine(RunView run, string breakdown)
    {
        var statuses = run.Projects.Select(p => p.Status).ToList();
        if (!statuses.Any(StatusText.IsApplyStage))
            return statuses.Contains(ProjectRunStatus.WaitingForLock) ? $"🔒 **Waiting for a lock**{breakdown}." : null;
        if (statuses.Contains(ProjectRunStatus.ApplyInterrupted))
            return $"🛑 **Apply interrupted** — a person must check the Terraform state{breakdown}.";
        if (statuses.Any(s => s.IsApplyInFlight())) return $"🚀 **Applying**{breakdown}.";
        if (statuses.Any(s => s is ProjectRunStatus.ApplyFailed or ProjectRunStatus.ApplyBlocked)) return $"❌ **Apply failed**{breakdown}.";
        return AllApplied(run) ? $"✅ **Applied**{breakdown}." : $"🚀 **Partly applied**{breakdown}.";
    }

    /// <summary>": 2 with changes, 1 failed" — the non-zero groups of projects, or empty when there are none.</summary>
    private static string Breakdown(IReadOnlyList<ProjectView> projects)
    {
        var groups = projects
            .GroupBy(StatusText.ProjectWords)
            .Select(g => (Words: g.Key, Count: g.Count()))
            .ToList();
        if (groups.Count == 0) return "";
        var words = groups.Select(g => $"{MarkdownText.Count(g.Count)} {BreakdownWords(g.Words)}");
        return ": " + string.Join(", ", words);
    }

    private static string BreakdownWords(string projectWords) => projectWords switch
    {
        "changes" => "with changes",
        "no changes" => "without changes",
        _ when projectWords.StartsWith("changes (", StringComparison.Ordinal) => "with changes " + projectWords["changes ".Length..],
        _ => projectWords,
    };
}
