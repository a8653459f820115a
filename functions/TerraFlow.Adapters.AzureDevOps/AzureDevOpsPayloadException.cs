namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>A service hook body TerraFlow cannot read (answered 400).</summary>
public sealed class AzureDevOpsPayloadException(string message, Exception? inner = null) : Exception(message, inner);
