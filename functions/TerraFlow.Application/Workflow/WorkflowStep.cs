using TerraFlow.Application.Ports;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// The transactional half of a use case whose facts were read before: it re-checks in the transaction what the facts
/// were read for (the run, its head commit) and decides, or answers <see cref="StepOutcome.FactsChanged"/>.
/// </summary>
public delegate Task<StepOutcome> WorkflowStep(IWorkflowTransaction tx, CancellationToken ct);

public enum StepOutcome
{
    Done,

    /// <summary>What the facts were read for changed meanwhile (a push made a new run): read them again.</summary>
    FactsChanged,
}

/// <summary>Settings the use cases follow (bound by the host from <c>TerraFlow:PullRequests</c>).</summary>
/// <param name="ForkPlans">How pull requests TerraFlow does not trust are planned.</param>
public sealed record WorkflowSettings(TerraFlow.Core.Workflow.ForkPlanMode ForkPlans);
