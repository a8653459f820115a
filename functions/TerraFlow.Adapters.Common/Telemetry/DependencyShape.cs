using System.Diagnostics;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// How an outgoing call appears in Application Insights: PostgreSQL (Npgsql), GitHub, Service Bus and Blob (all
/// HTTP underneath) get their own dependency type so operators can filter by what TerraFlow talks to.
/// </summary>
internal sealed record DependencyShape(string Type, string Name, string? Target, string? Data)
{
    /// <param name="gitHubAuthority">host[:port] of the configured GitHub API (GitHub Enterprise Server has its own host).</param>
    public static DependencyShape Of(Activity a, string? gitHubAuthority)
    {
        if (a.Source.Name == "Npgsql")
        {
            var db = EnvelopeTag(a, "db.namespace") ?? EnvelopeTag(a, "db.name");
            var server = EnvelopeTag(a, "server.address") ?? EnvelopeTag(a, "net.peer.name");
            var statement = EnvelopeTag(a, "db.query.text") ?? EnvelopeTag(a, "db.statement");
            return new DependencyShape("PostgreSQL", db ?? a.DisplayName, server is null ? db : $"{server} | {db}", Truncate(statement));
        }
        var url = EnvelopeTag(a, "url.full") ?? EnvelopeTag(a, "http.url");
        if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var method = EnvelopeTag(a, "http.request.method") ?? EnvelopeTag(a, "http.method") ?? "HTTP";
            var authority = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
            var type = string.Equals(authority, gitHubAuthority, StringComparison.OrdinalIgnoreCase) ? "GitHub"
                : uri.Host.EndsWith(".servicebus.windows.net", StringComparison.OrdinalIgnoreCase) ? "Azure Service Bus"
                : uri.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase) ? "Azure blob"
                : uri.Host.EndsWith("github.com", StringComparison.OrdinalIgnoreCase) ? "GitHub"
                : "Http";
            // The query string may carry SAS signatures: never export it.
            var withoutQuery = uri.GetLeftPart(UriPartial.Path);
            return new DependencyShape(type, $"{method} {uri.AbsolutePath}", authority, withoutQuery);
        }
        return new DependencyShape(a.Kind == ActivityKind.Internal ? "InProc" : a.Source.Name, a.DisplayName, null, null);
    }

    private static string? EnvelopeTag(Activity a, string key) => TelemetryEnvelope.Tag(a, key);

    private static string? Truncate(string? s) => s is { Length: > 2000 } ? s[..2000] : s;
}
