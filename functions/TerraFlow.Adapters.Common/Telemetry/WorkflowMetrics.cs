using TerraFlow.Application.Ports;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>The use cases' counters, on TerraFlow's meter.</summary>
public sealed class WorkflowMetrics : IWorkflowMetrics
{
    public void RunStarted(string trigger) => TerraFlowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("trigger", trigger));
}
