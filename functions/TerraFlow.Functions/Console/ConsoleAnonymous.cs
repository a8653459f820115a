using Microsoft.AspNetCore.Authorization;

namespace TerraFlow.Functions.Console;

/// <summary>
/// Endpoint metadata: this route is deliberately open without sign-in, and why (health probes, webhooks verified by
/// signature, OAuth callbacks, the sign-in page, approval links with their own signed tokens). Every route either
/// requires a <see cref="ConsolePolicies"/> policy or carries this; a test enumerates the route table to hold that.
/// </summary>
public sealed record ConsoleAnonymousMetadata(string Reason) : IAllowAnonymous;

public static class ConsoleAnonymousExtensions
{
    /// <summary>Marks the endpoints (or a group's endpoints) as deliberately anonymous, with the reason.</summary>
    public static TBuilder AllowConsoleAnonymous<TBuilder>(this TBuilder builder, string reason) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        builder.WithMetadata(new ConsoleAnonymousMetadata(reason));
        return builder;
    }
}
