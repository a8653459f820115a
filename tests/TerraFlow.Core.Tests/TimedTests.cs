namespace TerraFlow.Core.Tests;

/// <summary>
/// Tests that assert a time limit (pathological input must be refused or matched quickly) run alone, not beside the
/// rest of the suite, so they measure the code rather than the other tests competing for the same cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedTests
{
    public const string Name = "timed";
}
