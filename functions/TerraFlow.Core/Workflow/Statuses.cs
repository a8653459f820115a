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
    /// <summary>
    /// The pull request comes from a fork or from an author without write access: nothing runs until a maintainer
    /// authorizes its head commit with <c>terraflow plan</c>. The comment says why.
    /// </summary>
    AwaitingAuthorization,
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
    /// <summary>Another pull request holds the project's lock; this one is queued behind it and re-planned when it frees.</summary>
    WaitingForLock,
    /// <summary>Apply requested; waiting for the projects it depends on to apply first.</summary>
    ApplyPending,
    /// <summary>The apply job is queued or running.</summary>
    Applying,
    Applied,
    ApplyFailed,
    /// <summary>The runner died or was stopped during the apply; a human must check the state. Never retried automatically.</summary>
    ApplyInterrupted,
    /// <summary>A project it depends on failed to apply, so this one was not applied.</summary>
    ApplyBlocked,
}

public static class StatusExtensions
{
    /// <summary>Planning of the project has ended (it may still be applied).</summary>
    public static bool IsFinal(this ProjectRunStatus s) =>
        s is not (ProjectRunStatus.Queued or ProjectRunStatus.Running);

    /// <summary>An apply was requested and has not ended yet.</summary>
    public static bool IsApplyInFlight(this ProjectRunStatus s) => s is ProjectRunStatus.ApplyPending or ProjectRunStatus.Applying;

    /// <summary>Planning has ended (the run may still be superseded or closed).</summary>
    public static bool IsFinal(this RunStatus s) =>
        s is RunStatus.Planned or RunStatus.NoProjects or RunStatus.Failed or RunStatus.Superseded or RunStatus.Closed or RunStatus.AwaitingAuthorization;

    /// <summary>Nothing can happen to the run any more: a newer run or the pull request's end replaced it.</summary>
    public static bool IsTerminal(this RunStatus s) =>
        s is RunStatus.NoProjects or RunStatus.Superseded or RunStatus.Closed;

    /// <summary>The statuses a new push supersedes and a close closes, as stored (see StoreJson.EnumText).</summary>
    public static readonly RunStatus[] Open = [RunStatus.Discovering, RunStatus.Planning, RunStatus.Planned, RunStatus.Failed, RunStatus.AwaitingAuthorization];
}
