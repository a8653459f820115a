using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// Checks the <c>X-Gitlab-Token</c> header. GitLab does not sign deliveries: it sends the webhook's secret token
/// verbatim, so the check is a comparison, done in constant time. A project listed in
/// <see cref="GitLabOptions.ProjectSecrets"/> must use its own secret; every other project uses
/// <see cref="GitLabOptions.WebhookSecret"/>.
/// </summary>
public sealed class GitLabWebhookVerifier
{
    public const string TokenHeader = "X-Gitlab-Token";

    private readonly byte[]? _globalDigest;
    private readonly Dictionary<string, byte[]> _projectDigests;

    public GitLabWebhookVerifier(GitLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _globalDigest = string.IsNullOrEmpty(options.WebhookSecret) ? null : Digest(options.WebhookSecret);
        _projectDigests = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in options.ProjectSecrets.Where(p => !string.IsNullOrWhiteSpace(p.Project) && !string.IsNullOrEmpty(p.Secret)))
            _projectDigests[p.Project.Trim().Trim('/')] = Digest(p.Secret);
    }

    /// <summary>Whether any secret is configured; without one no delivery can be trusted.</summary>
    public bool Configured => _globalDigest is not null || _projectDigests.Count > 0;

    /// <summary>Whether a per-project secret exists, i.e. the project must be read from the body before verifying.</summary>
    public bool HasProjectSecrets => _projectDigests.Count > 0;

    /// <summary>
    /// True only when <paramref name="presentedToken"/> equals the secret that applies to
    /// <paramref name="projectPath"/> (its own, else the global one).
    /// </summary>
    public bool Verify(string? presentedToken, string? projectPath)
    {
        if (string.IsNullOrEmpty(presentedToken)) return false;
        var expected = projectPath is not null && _projectDigests.TryGetValue(projectPath.Trim().Trim('/'), out var own) ? own : _globalDigest;
        // No secret means a forged delivery looks like a real one: refuse rather than accept all.
        if (expected is null) return false;
        // Comparing fixed-size digests keeps the comparison constant-time whatever the lengths: FixedTimeEquals
        // returns early on a length mismatch, which would reveal the secret's length.
        return CryptographicOperations.FixedTimeEquals(Digest(presentedToken), expected);
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
