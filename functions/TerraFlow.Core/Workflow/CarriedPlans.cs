namespace TerraFlow.Core.Workflow;

/// <summary>
/// The pull request's latest earlier result for a project, as the store found it when a new push was discovered.
/// </summary>
/// <param name="HeadSha">The head commit of the run that holds it.</param>
/// <param name="Untrusted">That run was planned without credentials.</param>
public sealed record PreviousPlan(ProjectRunState Project, string HeadSha, bool Untrusted);

/// <summary>
/// Smart re-plans: on a new push, a project whose inputs provably did not change keeps its previous successful plan
/// instead of being planned again. The plan is re-bound to the new head only when everything Terraform would read is
/// the same, so an apply (which still requires a plan of the run at the current head) never applies a stale plan.
/// </summary>
public static class CarriedPlans
{
    /// <summary>
    /// The project run carrying <paramref name="previous"/>'s plan forward, or null when the project must be planned:
    /// a person asked (<c>terraflow plan</c>); no fingerprint now or then; the previous result is no successful,
    /// unapplied plan; the input fingerprint differs; the base branch moved (a different base commit); or the
    /// previous run's trust (credentials or not) differs from this one's.
    /// </summary>
    /// <param name="fresh">The project run discovery built for this run (definition, code owners, inputs).</param>
    public static ProjectRunState? CarryForward(RunState state, ProjectRunState fresh, PreviousPlan? previous)
    {
        if (state.Explicit || fresh.Inputs is null || previous is null) return null;
        var old = previous.Project;
        // Applied or being applied: the state moved on, the plan file is spent. Failed or cancelled: nothing to keep.
        if (old.Status != ProjectRunStatus.Planned || old.Apply is not null) return null;
        if (old.PlanFileSha256 is null || old.Artifacts is null) return null;
        // Equal fingerprint (files, modules, lock file, definition incl. engine/version/workflow) and equal base.
        if (old.Inputs != fresh.Inputs) return null;
        if (previous.Untrusted != state.Untrusted) return null;

        // The same plan file and hash: approvals and the apply bind to this hash, as for a fresh plan. Approvals are
        // not carried: a push asks for them again, whatever it changed.
        return fresh with
        {
            Status = ProjectRunStatus.Planned,
            Plan = old.Plan,
            PlanFileSha256 = old.PlanFileSha256,
            Artifacts = old.Artifacts,
            Policy = old.Policy,
            StepOutputs = old.StepOutputs,
            Error = null,
            UnchangedSince = old.UnchangedSince ?? previous.HeadSha,
        };
    }
}
