using TerraFlow.Application.Access;

namespace TerraFlow.Functions.Console;

/// <summary>Bound from <c>TerraFlow:Auth</c> (environment: <c>TerraFlow__Auth__…</c>).</summary>
internal sealed class ConsoleAuthOptions
{
    /// <summary>How long a console session lasts after sign-in (<c>TerraFlow__Auth__SessionHours</c>).</summary>
    public double SessionHours { get; set; } = 8;

    /// <summary>Read every repository (<c>github:alice, entra:group:&lt;object-id&gt;, …</c>; see <see cref="ConsolePrincipalList"/>).</summary>
    public string? Viewers { get; set; }

    /// <summary>Operate (unlock, re-plan, drift check, cancel) wherever they can read; Entra principals read everywhere.</summary>
    public string? Operators { get; set; }

    /// <summary>Everything, everywhere, including API tokens.</summary>
    public string? Admins { get; set; }

    /// <summary>How long a VCS host's answer about a user's permission on a repository is reused (seconds).</summary>
    public int AccessCacheSeconds { get; set; } = 60;

    public TimeSpan SessionLifetime => SessionHours > 0 && SessionHours <= 24 * 30
        ? TimeSpan.FromHours(SessionHours)
        : throw new InvalidOperationException("TerraFlow__Auth__SessionHours must be more than 0 and at most 720.");

    /// <exception cref="FormatException">A list has an entry of no documented form (named in the message).</exception>
    public ConsoleAccessSettings ToSettings() => new(
        ConsolePrincipalList.Parse(Viewers, "TerraFlow__Auth__Viewers"),
        ConsolePrincipalList.Parse(Operators, "TerraFlow__Auth__Operators"),
        ConsolePrincipalList.Parse(Admins, "TerraFlow__Auth__Admins"),
        TimeSpan.FromSeconds(Math.Max(0, AccessCacheSeconds)));
}

/// <summary>The authentication schemes of the console and the API.</summary>
public static class ConsoleAuthSchemes
{
    /// <summary>The default: forwards to <see cref="ApiToken"/> for <c>Authorization: Bearer</c> requests (when registered), else to <see cref="Session"/>.</summary>
    public const string Default = "terraflow";

    /// <summary>The console session cookie.</summary>
    public const string Session = "terraflow.session";

    /// <summary>Admin-created API tokens (registered by the API-token work).</summary>
    public const string ApiToken = "terraflow.api-token";
}
