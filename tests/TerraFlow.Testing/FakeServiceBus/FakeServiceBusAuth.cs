using System.Net;
using System.Security.Cryptography;
using System.Text;
using TerraFlow.Adapters.Azure.ServiceBus;

namespace TerraFlow.Testing.FakeServiceBus;

/// <summary>
/// Checks the Authorization header the way Service Bus does: a bearer token it trusts, or a SAS token whose
/// signature matches the namespace key, whose key name is the configured one, which has not expired, and whose
/// resource (sr) covers the requested URL.
/// </summary>
internal sealed class FakeServiceBusAuth(FakeServiceBusOptions options)
{
    public bool IsAuthorized(string? authorization, Uri requestUrl)
    {
        if (string.IsNullOrEmpty(authorization)) return false;
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            return options.AcceptedBearerTokens.Contains(authorization["Bearer ".Length..]);
        const string sasPrefix = "SharedAccessSignature ";
        return authorization.StartsWith(sasPrefix, StringComparison.Ordinal) && IsValidSas(authorization[sasPrefix.Length..], requestUrl);
    }

    private bool IsValidSas(string token, Uri requestUrl)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in token.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) fields[pair[..eq]] = pair[(eq + 1)..];
        }
        if (!fields.TryGetValue("sr", out var encodedResource) || !fields.TryGetValue("sig", out var sig)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var keyName))
            return false;
        if (WebUtility.UrlDecode(keyName) != options.KeyName) return false;
        if (!long.TryParse(expiry, out var se) || DateTimeOffset.FromUnixTimeSeconds(se) <= options.Time.GetUtcNow()) return false;
        if (!Covers(WebUtility.UrlDecode(encodedResource), requestUrl)) return false;

        // The signature is over the resource exactly as it appears (url-encoded) in the token.
        var expected = Encoding.ASCII.GetBytes(SharedAccessSignature.Sign(options.Key, encodedResource, expiry));
        var actual = Encoding.ASCII.GetBytes(WebUtility.UrlDecode(sig));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>A token for a namespace covers its entities; scheme is not part of the match (sb:// and https:// both sign).</summary>
    private static bool Covers(string resource, Uri requestUrl)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var scope)) return false;
        var scoped = (scope.Authority + scope.AbsolutePath).TrimEnd('/');
        var requested = requestUrl.Authority + requestUrl.AbsolutePath;
        return requested.StartsWith(scoped, StringComparison.OrdinalIgnoreCase)
            && (requested.Length == scoped.Length || requested[scoped.Length] == '/');
    }
}
