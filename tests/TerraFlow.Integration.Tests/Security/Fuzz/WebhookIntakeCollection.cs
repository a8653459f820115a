namespace TerraFlow.Integration.Tests.Security.Fuzz;

/// <summary>
/// The fuzz suite and the memory measurements of webhook intake run alone: the fuzz figures are timings, and the
/// memory tests read the process's allocation counter, which other tests running at the same time would inflate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookIntakeCollection
{
    public const string Name = "webhook intake (run alone)";
}
