using TerraFlow.Core.Jobs;

namespace TerraFlow.Application.Ports;

/// <summary>Job rows written inside a workflow transaction; runners are woken when it commits.</summary>
public interface IWorkflowJobs
{
    /// <summary>Queues a job (collected write).</summary>
    void Enqueue(JobSpec spec);

    /// <summary>A job sent to an external queue returned its result: it no longer counts as dispatched (collected write).</summary>
    void FinishDispatched(long jobId);
}
