using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions;

/// <summary>Bound from <c>TerraFlow:PullRequests</c> (environment: <c>TerraFlow__PullRequests__…</c>).</summary>
internal sealed class PullRequestsOptions
{
    /// <summary>
    /// Pull requests from forks and from authors without write access: <c>authorize</c> (default) waits until a
    /// maintainer comments <c>terraflow plan</c>, which authorizes that head commit only; <c>restricted</c> plans them
    /// automatically without any credentials and never applies them.
    /// </summary>
    public ForkPlanMode ForkPlans { get; set; } = ForkPlanMode.Authorize;
}
