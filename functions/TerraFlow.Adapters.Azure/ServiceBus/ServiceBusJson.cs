using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>Source-generated JSON for the BrokerProperties header (PascalCase, as the REST contract names them).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(OutgoingBrokerProperties))]
[JsonSerializable(typeof(ReceivedBrokerProperties))]
internal sealed partial class ServiceBusJson : JsonSerializerContext;
