namespace TerraFlow.Testing.FakeAzureDevOps;

public sealed class FakeAzureDevOpsOptions
{
    /// <summary>The organization: the first path segment of every URL.</summary>
    public string Organization { get; init; } = "contoso";

    /// <summary>The PAT the fake accepts (Basic, any user name).</summary>
    public string Token { get; init; } = "fake-azdo-pat-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>An Entra access token the fake accepts as Bearer; null refuses every Bearer.</summary>
    public string? EntraToken { get; init; }

    /// <summary>The uniqueName of the credential's user (connectionData; author of its threads and statuses).</summary>
    public string TokenUser { get; init; } = "terraflow-bot@contoso.com";

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
