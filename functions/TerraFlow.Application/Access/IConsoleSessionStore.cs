namespace TerraFlow.Application.Access;

/// <summary>
/// The server's record of console sessions. The cookie is signed and carries the user, but only the server can end a
/// session before it expires: sign-out marks the row, and a copy of the cookie taken before is refused after.
/// </summary>
public interface IConsoleSessionStore
{
    Task StartAsync(string sessionId, ConsoleUser user, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>True while the session exists, has not expired and was not signed out.</summary>
    Task<bool> IsActiveAsync(string sessionId, DateTimeOffset now, CancellationToken ct);

    Task EndAsync(string sessionId, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The app installation a repository (or, with a null name, any repository of an owner) was last seen with.</summary>
public interface IRepositoryInstallations
{
    Task<long?> FindInstallationAsync(string provider, string owner, string? name, CancellationToken ct);
}
