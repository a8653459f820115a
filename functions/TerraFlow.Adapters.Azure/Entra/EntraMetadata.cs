using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace TerraFlow.Adapters.Azure.Entra;

/// <summary>The parts of the discovery document sign-in uses, and the signing keys from its <c>jwks_uri</c>.</summary>
public sealed record EntraEndpoints(string Issuer, Uri AuthorizationEndpoint, Uri TokenEndpoint, Uri JwksUri, IReadOnlyList<SecurityKey> SigningKeys, DateTimeOffset KeysFetchedAt);

/// <summary>
/// Discovery document and JWKS of the configured tenant, cached for <see cref="EntraOptions.MetadataLifetime"/>.
/// A token signed with a key id not in the cached set makes <see cref="RefreshKeysAsync"/> fetch the set again (Entra
/// rotates keys), at most once per <see cref="EntraOptions.KeyRefreshInterval"/>, so forged kids cannot make
/// TerraFlow hammer Entra.
/// </summary>
public sealed class EntraMetadata(HttpClient http, EntraOptions options, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EntraEndpoints? _current;
    private DateTimeOffset _fetchedAt;

    public async Task<EntraEndpoints> GetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_current is { } cached && now - _fetchedAt < options.MetadataLifetime) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && now - _fetchedAt < options.MetadataLifetime) return again;
            var discovery = await FetchDiscoveryAsync(ct);
            var keys = await FetchKeysAsync(discovery.JwksUri, ct);
            _current = discovery with { SigningKeys = keys, KeysFetchedAt = time.GetUtcNow() };
            _fetchedAt = time.GetUtcNow();
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The key set fetched again if the last fetch is older than the refresh interval; else the cached one.</summary>
    public async Task<EntraEndpoints> RefreshKeysAsync(CancellationToken ct)
    {
        var current = await GetAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            current = _current ?? current;
            if (time.GetUtcNow() - current.KeysFetchedAt < options.KeyRefreshInterval) return current;
            var keys = await FetchKeysAsync(current.JwksUri, ct);
            _current = current with { SigningKeys = keys, KeysFetchedAt = time.GetUtcNow() };
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EntraEndpoints> FetchDiscoveryAsync(CancellationToken ct)
    {
        var json = await GetStringAsync(options.DiscoveryUrl, "discovery document", ct);
        OpenIdConnectConfiguration config;
        try
        {
            config = OpenIdConnectConfiguration.Create(json);
        }
        catch (ArgumentException ex)
        {
            throw new EntraUnavailableException("Entra's discovery document is not valid JSON: " + ex.Message);
        }
        if (string.IsNullOrEmpty(config.Issuer)) throw new EntraUnavailableException("Entra's discovery document names no issuer.");
        return new EntraEndpoints(config.Issuer, Endpoint(config.AuthorizationEndpoint, "authorization_endpoint"), Endpoint(config.TokenEndpoint, "token_endpoint"),
            Endpoint(config.JwksUri, "jwks_uri"), [], DateTimeOffset.MinValue);
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchKeysAsync(Uri jwksUri, CancellationToken ct)
    {
        var json = await GetStringAsync(jwksUri, "signing keys", ct);
        try
        {
            return new JsonWebKeySet(json).GetSigningKeys().ToList();
        }
        catch (ArgumentException ex)
        {
            throw new EntraUnavailableException("Entra's signing keys are not a valid JWKS: " + ex.Message);
        }
    }

    private async Task<string> GetStringAsync(Uri url, string what, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            if (!response.IsSuccessStatusCode) throw new EntraUnavailableException($"Entra's {what} answered HTTP {(int)response.StatusCode}.");
            return await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException ex)
        {
            throw new EntraUnavailableException($"Entra's {what} could not be fetched: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new EntraUnavailableException($"Entra's {what} did not answer in time.");
        }
    }

    // Endpoints must be absolute https URLs (http only on loopback, for local stand-ins).
    private static Uri Endpoint(string? value, string name)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            return uri;
        throw new EntraUnavailableException($"Entra's discovery document has no usable {name}.");
    }
}

/// <summary>Entra could not be reached, or answered something that is not what its protocol says.</summary>
public sealed class EntraUnavailableException(string message) : Exception(message);
