namespace TerraFlow.Adapters.Http;

/// <summary>The HttpClient each VCS host's clients share.</summary>
public static class VcsHttpClients
{
    /// <summary>
    /// One long-lived client per host; connections are recycled every few minutes so DNS changes (a GHES failover, a
    /// self-managed GitLab moving) are noticed. 30 s per request: the callers retry transient failures.
    /// </summary>
    public static HttpClient Create() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
}
