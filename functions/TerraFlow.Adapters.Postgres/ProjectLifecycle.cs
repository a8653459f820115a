using TerraFlow.Core.Policies;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>The lifecycle part of a project run, stored as one jsonb document in <c>project_runs.lifecycle</c>.</summary>
internal sealed record ProjectLifecycle(
    PolicyOutcome? Policy,
    Approval? PolicyOverride,
    IReadOnlyList<Approval>? Approvals,
    ApplyRecord? Apply,
    int? WaitingBehind,
    IReadOnlyList<string>? CodeOwners)
{
    /// <summary>Outputs of a custom workflow's <c>run</c> steps (absent in documents written before workflows).</summary>
    public IReadOnlyList<TerraFlow.Core.CustomWorkflows.StepOutput>? StepOutputs { get; init; }

    /// <summary>Smart re-plans: what the plan was made from (fingerprint, base commit); absent in older rows.</summary>
    public PlanInputs? Inputs { get; init; }

    /// <summary>Smart re-plans: the head commit a carried-forward plan was made at.</summary>
    public string? UnchangedSince { get; init; }

    public static string? From(ProjectRunState p) =>
        p.Policy is null && p.PolicyOverride is null && p.Approvals.Count == 0 && p.Apply is null && p.WaitingBehind is null && p.CodeOwners.Count == 0
          && p.StepOutputs.Count == 0 && p.Inputs is null && p.UnchangedSince is null
            ? null
            : StoreJson.Serialize(new ProjectLifecycle(p.Policy, p.PolicyOverride, p.Approvals, p.Apply, p.WaitingBehind, p.CodeOwners)
                { StepOutputs = p.StepOutputs.Count == 0 ? null : p.StepOutputs, Inputs = p.Inputs, UnchangedSince = p.UnchangedSince });

    public static ProjectRunState Into(ProjectRunState p, string? json)
    {
        if (json is null) return p;
        var l = StoreJson.Deserialize<ProjectLifecycle>(json);
        return p with
        {
            Policy = l.Policy,
            PolicyOverride = l.PolicyOverride,
            Approvals = l.Approvals ?? [],
            Apply = l.Apply,
            WaitingBehind = l.WaitingBehind,
            CodeOwners = l.CodeOwners ?? [],
            Inputs = l.Inputs,
            UnchangedSince = l.UnchangedSince,
            StepOutputs = l.StepOutputs ?? [],
        };
    }
}
