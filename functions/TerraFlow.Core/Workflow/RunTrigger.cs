namespace TerraFlow.Core.Workflow;

/// <summary>What started a run. Stored as <c>runs.trigger_kind</c> (<c>pull_request</c>, <c>schedule</c>, <c>manual</c>).</summary>
public enum RunTrigger
{
    /// <summary>A pull (merge) request was opened, pushed to or commented on; the run has its number.</summary>
    PullRequest,

    /// <summary>A timer (e.g. a drift check) started it; no pull request.</summary>
    Schedule,

    /// <summary>A person started it from the API or console; no pull request.</summary>
    Manual,
}
