using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>Decodes a Service Bus message from the results queue: its identity and either a checked result or why not.</summary>
internal static class JobResultMessage
{
    /// <summary>
    /// Reads <c>Data.&lt;binding&gt;</c> (the body: a <see cref="JobResult"/> in <see cref="JobWire"/>'s shape, usually
    /// as a JSON-encoded string) and <c>Metadata.MessageId</c> / <c>DeliveryCount</c>. Without a MessageId the body's
    /// hash identifies it: the same result sent twice is still recognised.
    /// </summary>
    public static JobResultDelivery Decode(InvocationRequest request, string bindingName)
    {
        var body = request.DataJson(bindingName);
        var messageId = request.MetadataText("MessageId") is { Length: > 0 and <= 200 } id
            ? id
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body?.GetRawText() ?? request.Data.GetRawText())));
        var deliveryCount = request.MetadataInt("DeliveryCount");

        if (body is not { ValueKind: JsonValueKind.Object } json)
            return new JobResultDelivery(messageId, deliveryCount, null, $"Data.{bindingName} is not a JSON object (nor a JSON string or base64 holding one)");
        JobResult result;
        try
        {
            result = json.Deserialize<JobResult>(JobWire.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            return new JobResultDelivery(messageId, deliveryCount, null, $"the body is not a job result: {ex.Message}");
        }
        return Check(result) is { } problem ? new JobResultDelivery(messageId, deliveryCount, null, problem) : new JobResultDelivery(messageId, deliveryCount, result, null);
    }

    /// <summary>A result already decoded by the Service Bus client (the standalone host's drain), checked the same way.</summary>
    public static JobResultDelivery FromResult(string messageId, int deliveryCount, JobResult result) =>
        Check(result) is { } problem ? new JobResultDelivery(messageId, deliveryCount, null, problem) : new JobResultDelivery(messageId, deliveryCount, result, null);

    private static string? Check(JobResult r) => JobWire.ResultProblem(r);
}
