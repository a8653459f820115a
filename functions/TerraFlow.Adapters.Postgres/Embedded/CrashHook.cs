using System.Diagnostics;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Named points of the embedded database's first start (and of schema migration) at which a test can make this
/// process die as if killed with SIGKILL: set <c>TERRAFLOW_TEST_CRASH_AT</c> to a point's name. Lets crash-recovery
/// tests hit each step deterministically instead of hoping a random kill lands there. Does nothing when unset.
/// </summary>
public static class CrashHook
{
    public const string EnvironmentVariable = "TERRAFLOW_TEST_CRASH_AT";

    public const string BeforeInitDb = "before-initdb";
    public const string DuringInitDb = "during-initdb";
    public const string AfterInitDb = "after-initdb";
    public const string AfterMarker = "after-marker";
    public const string AfterRename = "after-rename";
    public const string AfterStart = "after-start";
    public const string AfterRoles = "after-roles";
    public const string DuringMigrations = "during-migrations";

    /// <summary>All points, in the order a first start reaches them.</summary>
    public static IReadOnlyList<string> Points { get; } =
        [BeforeInitDb, DuringInitDb, AfterInitDb, AfterMarker, AfterRename, AfterStart, AfterRoles, DuringMigrations];

    public static bool IsArmed(string point) =>
        string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), point, StringComparison.Ordinal);

    /// <summary>Kills this process (SIGKILL: no finally blocks, no shutdown hooks) when <paramref name="point"/> is armed.</summary>
    public static void Reached(string point)
    {
        if (IsArmed(point))
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
