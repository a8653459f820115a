using TerraFlow.Core.Projects;

namespace TerraFlow.Runner.Jobs;

/// <summary>A project's own time limits, never longer than the runner's (the operator's bound).</summary>
internal static class ProjectTimeouts
{
    public static TimeSpan Plan(RunnerOptions options, ProjectDefinition? project) => Smaller(project?.PlanTimeout, options.PlanTimeout);

    public static TimeSpan Apply(RunnerOptions options, ProjectDefinition? project) => Smaller(project?.ApplyTimeout, options.ApplyTimeout);

    private static TimeSpan Smaller(TimeSpan? wanted, TimeSpan limit) => wanted is { } w && w < limit ? w : limit;
}
