namespace TerraFlow.Integration.Tests.Security.Fuzz;

/// <summary>
/// How much to fuzz: <c>TERRAFLOW_FUZZ_ITERATIONS</c> bodies per provider (default 10,000, what CI runs) and
/// <c>TERRAFLOW_FUZZ_SEED</c> to replay a run (default: a new seed each run, printed, so CI explores new inputs and any
/// failure can be replayed exactly).
/// </summary>
internal static class FuzzSettings
{
    public const int DefaultIterations = 10_000;

    /// <summary>Requests in flight at once: enough to keep both the host and PostgreSQL busy on a small machine.</summary>
    public const int Concurrency = 16;

    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("TERRAFLOW_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : DefaultIterations;

    public static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("TERRAFLOW_FUZZ_SEED"), out var s) ? s : Random.Shared.Next();

    /// <summary>The generator of one iteration: reproducible alone from the run's seed, whatever ran before it.</summary>
    public static Random ForIteration(int seed, string provider, int iteration) =>
        new(unchecked(seed * 1_000_003 + iteration * 7919 + (provider == FuzzCorpus.GitHub ? 0 : 104_729)));
}
