using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Workflow;

/// <summary>The workflow state of one pull-request run, as the decider sees it.</summary>
/// <param name="RequestedProject">Set when a <c>terraflow plan -p</c> comment asked for one project only.</param>
/// <param name="Explicit">True when a person asked for the plan (a comment); then autoplan-off projects are planned too.</param>
public sealed record RunState(
    long RunId,
    string HeadSha,
    RunStatus Status,
    string? RequestedProject,
    bool Explicit,
    ConfigError? ConfigError,
    string? FailureMessage,
    string? SupersededBySha,
    IReadOnlyList<ProjectRunState> Projects)
{
    public ProjectRunState? FindProject(string name) => Projects.FirstOrDefault(p => p.Definition.Name == name);
}

public sealed record ProjectRunState(
    ProjectDefinition Definition,
    ProjectRunStatus Status,
    PlanSummary? Plan,
    string? PlanFileSha256,
    PlanArtifactsRef? Artifacts,
    string? Error);

/// <summary>Artifact keys of a finished plan.</summary>
public sealed record PlanArtifactsRef(string PlanFile, string PlanJson, string PlanText, string Log);
