using DurableTask.Core;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>The orchestration's input.</summary>
public sealed class PullRequestInput
{
    public int Number { get; set; }

    public int Projects { get; set; }
}

/// <summary>
/// The benchmark's pull request as a Durable Task orchestration: discover, plan the N projects in parallel (fan-out,
/// fan-in), ask for approval (an activity, as a Durable Functions app would post the plan comment), wait for the
/// "approval" event, apply the projects one after another, report the result (an activity, as the app would post
/// it). The event arrives through <see cref="OnEvent"/> (DTF Core's form of <c>WaitForExternalEvent</c>).
/// </summary>
public sealed class PullRequestOrchestration : TaskOrchestration<string, PullRequestInput, string, string>
{
    public const string ApprovalEvent = "approval";

    // A new orchestration object is made for every replay, so this is always fresh; an event that arrives before the
    // code awaits it is kept here until it does.
    private readonly TaskCompletionSource<string> _approval = new();

    public override async Task<string> RunTask(OrchestrationContext context, PullRequestInput input)
    {
        var projects = await context.ScheduleTask<string[]>(typeof(DiscoverActivity), input);
        await Task.WhenAll(projects.Select(p => context.ScheduleTask<string>(typeof(PlanActivity), p)));
        await context.ScheduleTask<bool>(typeof(RequestApprovalActivity), input.Number);
        var approver = await _approval.Task;
        foreach (var project in projects) await context.ScheduleTask<string>(typeof(ApplyActivity), project);
        await context.ScheduleTask<bool>(typeof(ReportAppliedActivity), input.Number);
        return $"applied by {approver}";
    }

    public override void OnEvent(OrchestrationContext context, string name, string input)
    {
        if (name == ApprovalEvent) _approval.TrySetResult(input);
    }
}

public sealed class DiscoverActivity : TaskActivity<PullRequestInput, string[]>
{
    protected override string[] Execute(TaskContext context, PullRequestInput input) =>
        Enumerable.Range(1, input.Projects).Select(i => $"pr{input.Number}/project-{i}").ToArray();
}

/// <summary>An instant plan: returns the plan file's hash at once.</summary>
public sealed class PlanActivity : TaskActivity<string, string>
{
    protected override string Execute(TaskContext context, string project) => new('a', 64);
}

public sealed class ApplyActivity : TaskActivity<string, string>
{
    protected override string Execute(TaskContext context, string project) => "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.";
}

/// <summary>Tells the driver the pull request waits for approval (where an app would post the plan comment).</summary>
internal sealed class RequestApprovalActivity(Milestones milestones) : TaskActivity<int, bool>
{
    protected override bool Execute(TaskContext context, int number)
    {
        milestones.AwaitingApproval(number);
        return true;
    }
}

/// <summary>Tells the driver the pull request is done (where an app would post the apply result).</summary>
internal sealed class ReportAppliedActivity(Milestones milestones) : TaskActivity<int, bool>
{
    protected override bool Execute(TaskContext context, int number)
    {
        milestones.Done(number);
        return true;
    }
}
