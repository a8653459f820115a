namespace TerraFlow.Functions.Webhooks;

/// <summary>
/// The header values intake stores (event name, delivery id): printable ASCII and bounded, so they can go into
/// PostgreSQL and logs as they are. Both providers send short ASCII values (event names, UUIDs).
/// </summary>
internal static class WebhookHeaders
{
    public const int MaxEventChars = 100;
    public const int MaxDeliveryIdChars = 200;

    public static bool IsPlausible(string value, int maxChars) =>
        value.Length > 0 && value.Length <= maxChars && value.All(c => c is >= ' ' and <= '~');
}
