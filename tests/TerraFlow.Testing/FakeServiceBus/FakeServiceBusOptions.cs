namespace TerraFlow.Testing.FakeServiceBus;

/// <summary>How the Service Bus stand-in authenticates and how long it lets a receive wait.</summary>
public sealed class FakeServiceBusOptions
{
    public string KeyName { get; set; } = "RootManageSharedAccessKey";

    /// <summary>The shared access key SAS tokens must be signed with.</summary>
    public string Key { get; set; } = Convert.ToBase64String("terraflow-fake-service-bus-key!!"u8);

    /// <summary>Bearer tokens accepted as if Microsoft Entra had issued them for https://servicebus.azure.net.</summary>
    public HashSet<string> AcceptedBearerTokens { get; } = ["fake-entra-token"];

    /// <summary>The longest a receive waits for a message, whatever its ?timeout= asks (keeps tests fast).</summary>
    public TimeSpan MaxReceiveWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Serve https with a throw-away self-signed certificate (see <see cref="FakeServiceBusServer.CertificateThumbprint"/>).
    /// Needed for bearer tokens: Azure.Core refuses to send one over plain http.
    /// </summary>
    public bool UseHttps { get; set; }

    /// <summary>Clock for lock expiry, duplicate detection and SAS expiry.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}

/// <summary>A queue's properties, as set on the real entity (Bicep / portal).</summary>
public sealed record FakeQueueSettings
{
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After this many deliveries a message that comes back is dead-lettered (MaxDeliveryCountExceeded).</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>Null: duplicate detection off (Basic tier). The service's default window is 10 minutes.</summary>
    public TimeSpan? DuplicateDetectionWindow { get; init; } = TimeSpan.FromMinutes(10);
}
