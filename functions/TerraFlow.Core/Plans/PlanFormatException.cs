namespace TerraFlow.Core.Plans;

/// <summary>
/// The bytes given to <see cref="PlanReader"/> are not a plan TerraFlow can read: malformed JSON, a structure that is
/// not <c>terraform show -json</c> plan output, or a <c>format_version</c> whose major version is not 0 or 1.
/// </summary>
public sealed class PlanFormatException : Exception
{
    public PlanFormatException(string message) : base(message)
    {
    }

    public PlanFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
