using TerraFlow.Core.Jobs;

namespace TerraFlow.Core.Workflow;

/// <summary>Something that happened to a run. The decider turns (state, event) into (new state, effects).</summary>
public abstract record RunEvent;

public sealed record DiscoveryFinished(DiscoveryOutcome Outcome) : RunEvent;

public sealed record PlanFinished(PlanOutcome Outcome) : RunEvent;

/// <summary>A newer push (or a new plan command) replaced this run.</summary>
public sealed record RunSuperseded(string NewHeadSha) : RunEvent;

public sealed record PullRequestClosed(bool Merged) : RunEvent;
