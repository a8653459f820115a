namespace TerraFlow.Core.Workflow;

/// <summary>Where a pull-request run stands. Stored as text in PostgreSQL (lower-case names).</summary>
public enum RunStatus
{
    /// <summary>A runner is reading the repository config and working out the affected projects.</summary>
    Discovering,
    Planning,
    /// <summary>Every project run reached an end state.</summary>
    Planned,
    /// <summary>The pull request changes no Terraform project; nothing is posted.</summary>
    NoProjects,
    /// <summary>The repository config is invalid or discovery failed; the comment says why.</summary>
    Failed,
    /// <summary>A newer push or command replaced this run.</summary>
    Superseded,
    /// <summary>The pull request was closed or merged.</summary>
    Closed,
}

public enum ProjectRunStatus
{
    /// <summary>Autoplan is off for the project; it waits for a <c>terraflow plan -p</c> comment.</summary>
    Skipped,
    Queued,
    Running,
    Planned,
    Failed,
    Cancelled,
}

public static class StatusExtensions
{
    public static bool IsFinal(this ProjectRunStatus s) =>
        s is ProjectRunStatus.Planned or ProjectRunStatus.Failed or ProjectRunStatus.Cancelled or ProjectRunStatus.Skipped;

    /// <summary>Planning has ended (the run may still be superseded or closed).</summary>
    public static bool IsFinal(this RunStatus s) =>
        s is RunStatus.Planned or RunStatus.NoProjects or RunStatus.Failed or RunStatus.Superseded or RunStatus.Closed;

    /// <summary>Nothing can happen to the run any more: a newer run or the pull request's end replaced it.</summary>
    public static bool IsTerminal(this RunStatus s) =>
        s is RunStatus.NoProjects or RunStatus.Superseded or RunStatus.Closed;

    /// <summary>The statuses a new push supersedes and a close closes, as stored (see StoreJson.EnumText).</summary>
    public static readonly RunStatus[] Open = [RunStatus.Discovering, RunStatus.Planning, RunStatus.Planned, RunStatus.Failed];
}
