using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Ports;

/// <summary>Provider name → the client of that VCS host (empty or null: the original provider, for old rows).</summary>
public interface IVcsClients
{
    IVcsClient For(string? provider);
}

/// <summary>Which clone URLs a run may use; a refused one fails the run at once, with the reason.</summary>
public interface ICloneUrlGuard
{
    /// <summary>Why the URL must not be cloned, or null when it may.</summary>
    string? Refusal(string? provider, string? cloneUrl, string repoOwner, string repoName);
}

/// <summary>Counters of the workflow's use cases.</summary>
public interface IWorkflowMetrics
{
    /// <summary>A run was created; <paramref name="trigger"/> is "push", "command" or "lock-released".</summary>
    void RunStarted(string trigger);
}
