using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// Checks a service hook delivery's credentials. Azure DevOps does not sign deliveries: a Web Hooks subscription sends
/// Basic authentication (its "basicAuthUsername"/"basicAuthPassword" inputs) and/or custom headers ("httpHeaders").
/// Every configured check must pass; each compares SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// so neither the content nor the length of a secret leaks through timing.
/// </summary>
public sealed class AzureDevOpsWebhookVerifier
{
    private readonly byte[]? _basicDigest;
    private readonly byte[]? _headerDigest;

    public AzureDevOpsWebhookVerifier(AzureDevOpsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BasicAuthConfigured) _basicDigest = Digest((options.WebhookUsername ?? "") + ":" + (options.WebhookPassword ?? ""));
        if (options.HeaderSecretConfigured)
        {
            HeaderName = options.WebhookHeaderName!.Trim();
            _headerDigest = Digest(options.WebhookHeaderValue!);
        }
    }

    /// <summary>The custom secret header, when one is configured.</summary>
    public string? HeaderName { get; }

    public bool Configured => _basicDigest is not null || _headerDigest is not null;

    /// <summary>Null when the delivery carries every configured credential; otherwise why not (no secret in it).</summary>
    public string? Refusal(string authorization, string headerValue)
    {
        if (!Configured) return "no webhook credentials are configured";
        // Both checks always run, so the answer time does not say which one failed.
        var basicOk = _basicDigest is null || BasicMatches(authorization);
        var headerOk = _headerDigest is null || (headerValue.Length > 0 && CryptographicOperations.FixedTimeEquals(Digest(headerValue), _headerDigest));
        if (!basicOk) return authorization.Length == 0 ? "missing Basic credentials (Authorization header)" : "invalid Basic credentials";
        if (!headerOk) return headerValue.Length == 0 ? $"missing {HeaderName} header" : $"invalid {HeaderName} header";
        return null;
    }

    private bool BasicMatches(string authorization)
    {
        const string scheme = "Basic ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(authorization[scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(decoded), _basicDigest);
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
