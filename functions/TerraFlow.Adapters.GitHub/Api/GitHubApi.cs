using System.Collections.Concurrent;
using Octokit.Internal;
using Octo = Octokit;

namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>
/// The Octokit side of the adapter: one HTTP pipeline for every GitHub call (connections recycled every few minutes so
/// DNS changes, e.g. a GHES failover, are noticed), an Octokit client per credential, and <see cref="RunAsync{T}"/>,
/// which waits out short rate limits, honours the caller's cancellation and turns Octokit's exceptions into the two
/// kinds the workflow understands (<see cref="GitHubErrors"/>). Register as a singleton.
/// </summary>
public sealed class GitHubApi : IDisposable
{
    private static readonly Octo.ProductHeaderValue Product = new("TerraFlow");
    private static readonly SimpleJsonSerializer Serializer = new();

    /// <summary>Clients kept at most; well above the tokens alive at once (one per installation, plus the App's JWT).</summary>
    private const int MaxClients = 256;

    private readonly ConcurrentDictionary<string, Octo.GitHubClient> _clients = new(StringComparer.Ordinal);
    private readonly HttpClientAdapter _http;
    private readonly GitHubOptions _options;
    private readonly TimeProvider _time;

    /// <param name="transport">The handler that sends the bytes; tests pass a canned one. By default a pooled socket handler.</param>
    public GitHubApi(GitHubOptions options, TimeProvider? time = null, HttpMessageHandler? transport = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? TimeProvider.System;
        BaseAddress = GitHubApiUrl.BaseAddress(options.ApiUrl);
        // Octokit follows redirects itself (dropping credentials for another host), so the socket handler must not.
        var inner = transport ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
        _http = new HttpClientAdapter(() => new GitHubRequestHandler(BaseAddress) { InnerHandler = inner });
        // 30 s per request: the outbox retries a timeout like any other transient failure.
        _http.SetRequestTimeout(TimeSpan.FromSeconds(30));
    }

    /// <summary>Where Octokit's endpoint paths hang off (see <see cref="GitHubApiUrl.BaseAddress"/>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// Runs one GitHub call with <paramref name="bearer"/> (an installation token, the App's JWT, a configured token;
    /// null: anonymous). A rate-limit answer whose wait fits <see cref="GitHubOptions.RateLimitMaxWaitSeconds"/> is waited
    /// out and the call repeated (at most <see cref="GitHubOptions.RateLimitRetries"/> times); a longer one fails at once
    /// with <see cref="GitHubRateLimitExceeded"/> (an <see cref="HttpRequestException"/>, so transient), so the outbox retries it later.
    /// </summary>
    /// <param name="what">Names the call in error messages, e.g. "GET pull request acme/infra#7"; never a secret.</param>
    public async Task<T> RunAsync<T>(string? bearer, string what, Func<Octo.IGitHubClient, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ct.ThrowIfCancellationRequested();
        GitHubCallContext.Set(ct);
        var client = ClientFor(bearer);
        for (var retries = 0; ; retries++)
        {
            try
            {
                return await call(client).ConfigureAwait(false);
            }
            catch (Octo.ApiException ex) when (GitHubRateLimit.From(ex, _time.GetUtcNow()) is { } limit)
            {
                var maxWait = TimeSpan.FromSeconds(Math.Max(0, _options.RateLimitMaxWaitSeconds));
                if (limit.Wait > maxWait || retries >= _options.RateLimitRetries)
                    throw GitHubRateLimitExceeded.Create(what, limit, maxWait, retries);
                await Task.Delay(limit.Wait, _time, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (GitHubErrors.Translate(ex, what, ct) is { } translated)
            {
                throw translated;
            }
        }
    }

    public Task RunAsync(string? bearer, string what, Func<Octo.IGitHubClient, Task> call, CancellationToken ct) =>
        RunAsync<bool>(bearer, what, async client =>
        {
            await call(client).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>
    /// The Octokit client that presents <paramref name="bearer"/>, kept per credential. Not cheap to make: Octokit's
    /// client builds every sub-client (repositories, issues, checks, …) up front, which the load tool measured as a visible
    /// share of each outbox send. Octokit clients are safe to share between concurrent calls. Installation tokens differ
    /// per repository and rotate hourly, so the set is bounded: past <see cref="MaxClients"/> it starts over.
    /// </summary>
    private Octo.GitHubClient ClientFor(string? bearer)
    {
        var key = bearer ?? "";
        if (_clients.TryGetValue(key, out var client)) return client;
        if (_clients.Count >= MaxClients) _clients.Clear();
        var credentials = key.Length == 0 ? Octo.Credentials.Anonymous : new Octo.Credentials(key, Octo.AuthenticationType.Bearer);
        return _clients.GetOrAdd(key, new Octo.GitHubClient(new Octo.Connection(Product, BaseAddress, new InMemoryCredentialStore(credentials), _http, Serializer)));
    }

    public void Dispose() => _http.Dispose();
}
