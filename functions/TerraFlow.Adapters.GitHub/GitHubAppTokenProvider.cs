using System.Collections.Concurrent;
using System.Security.Cryptography;
using TerraFlow.Adapters.GitHub.Api;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// Supplies the bearer token for a repository: a cached GitHub App installation token when the repository has
/// an installation id and App auth is configured, otherwise the static <see cref="GitHubOptions.Token"/>. The App's
/// JWT is ours (<see cref="GitHubAppJwt"/>); Octokit exchanges it for installation tokens. Register as a singleton so
/// the cache is shared.
/// </summary>
public sealed class GitHubAppTokenProvider : IDisposable
{
    /// <summary>Refresh this long before expiry so a token never lapses in the middle of a plan or clone.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly GitHubApi _api;
    private readonly GitHubOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, CachedToken> _cache = new();
    // One refresh at a time: many concurrent callers for a cold installation cause a single token request.
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private RSA? _privateKey;
    private string? _appLogin;
    private string? _tokenLogin;

    public GitHubAppTokenProvider(GitHubApi api, GitHubOptions options, TimeProvider? timeProvider = null)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The token to call the API with for <paramref name="repo"/>; null when nothing is configured (anonymous).</summary>
    public async ValueTask<string?> GetTokenAsync(RepoRef repo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        if (repo.InstallationId is { } installationId && _options.AppAuthConfigured)
            return await GetInstallationTokenAsync(installationId, ct).ConfigureAwait(false);
        return string.IsNullOrEmpty(_options.Token) ? null : _options.Token;
    }

    /// <summary>
    /// The login TerraFlow's own comments carry for <paramref name="repo"/>: the App's bot user ("{slug}[bot]") when it
    /// calls as an installation, else the token's user (GET /user); null when anonymous. Read once, then cached.
    /// </summary>
    public async ValueTask<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        if (repo.InstallationId is not null && _options.AppAuthConfigured)
        {
            if (_appLogin is { } app) return app;
            var jwt = await CreateJwtAsync(ct).ConfigureAwait(false);
            var slug = await _api.RunAsync(jwt, "GET /app", async github => (await github.GitHubApps.GetCurrent().ConfigureAwait(false)).Slug, ct)
                .ConfigureAwait(false);
            return _appLogin = (slug ?? throw new InvalidOperationException("GET /app returned no slug")) + "[bot]";
        }
        if (string.IsNullOrEmpty(_options.Token)) return null;
        if (_tokenLogin is { } user) return user;
        var login = await _api.RunAsync(_options.Token, "GET /user", async github => (await github.User.Current().ConfigureAwait(false)).Login, ct)
            .ConfigureAwait(false);
        return _tokenLogin = login ?? throw new InvalidOperationException("GET /user returned no login");
    }

    /// <summary>An installation access token, from cache while it has more than <see cref="RefreshMargin"/> left.</summary>
    public async ValueTask<string> GetInstallationTokenAsync(long installationId, CancellationToken ct)
    {
        if (TryGetFresh(installationId) is { } cached) return cached;

        await _refreshLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while we waited for the lock.
            if (TryGetFresh(installationId) is { } refreshed) return refreshed;

            var jwt = GitHubAppJwt.Create(RequireAppId(), LoadPrivateKey(), _time.GetUtcNow());
            var token = await _api.RunAsync(jwt, $"POST /app/installations/{installationId}/access_tokens",
                github => github.GitHubApps.CreateInstallationToken(installationId), ct).ConfigureAwait(false);
            _cache[installationId] = new CachedToken(token.Token, token.ExpiresAt);
            return token.Token;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task<string> CreateJwtAsync(CancellationToken ct)
    {
        await _refreshLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return GitHubAppJwt.Create(RequireAppId(), LoadPrivateKey(), _time.GetUtcNow());
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private long RequireAppId() =>
        _options.AppId ?? throw new InvalidOperationException("GitHub App auth needs TerraFlow:GitHub:AppId.");

    private string? TryGetFresh(long installationId) =>
        _cache.TryGetValue(installationId, out var entry) && _time.GetUtcNow() < entry.ExpiresAt - RefreshMargin
            ? entry.Token
            : null;

    /// <summary>Loaded on first use (under the refresh lock) so a host without App auth never touches the key.</summary>
    private RSA LoadPrivateKey()
    {
        if (_privateKey is not null) return _privateKey;
        var pem = !string.IsNullOrWhiteSpace(_options.PrivateKeyPem)
            ? _options.PrivateKeyPem
            : File.ReadAllText(_options.PrivateKeyPath
                ?? throw new InvalidOperationException("GitHub App auth needs TerraFlow:GitHub:PrivateKeyPath."));
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            // Do not echo the PEM: it is the App's secret.
            throw new InvalidOperationException("The GitHub App private key is not a valid RSA PEM key.", ex);
        }
        return _privateKey = rsa;
    }

    public void Dispose()
    {
        _refreshLock.Dispose();
        _privateKey?.Dispose();
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);
}
