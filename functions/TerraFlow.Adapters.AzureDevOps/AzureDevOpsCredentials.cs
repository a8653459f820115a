using Azure.Core;
using Azure.Identity;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// What TerraFlow authenticates to Azure DevOps with: the configured PAT, else an Entra ID access token for Azure
/// DevOps (<c>499b84ac-1321-427f-aa17-267ca6975798/.default</c>) from <see cref="DefaultAzureCredential"/> (the
/// Function App's managed identity, workload identity, a service principal in the environment, the Azure CLI). The
/// token is cached until five minutes before it expires.
/// </summary>
public sealed class AzureDevOpsCredentials
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);
    private readonly string? _pat;
    private readonly Lazy<TokenCredential>? _entra;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _cached;

    public AzureDevOpsCredentials(AzureDevOpsOptions options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pat = string.IsNullOrWhiteSpace(options.Token) ? null : options.Token;
        if (_pat is null && (options.UseEntraId || credential is not null))
            _entra = new Lazy<TokenCredential>(() => credential ?? new DefaultAzureCredential());
    }

    public bool UsesPat => _pat is not null;

    /// <summary>The PAT, or null when requests carry an Entra token (<see cref="BearerAsync"/>).</summary>
    public string? Pat => _pat;

    /// <summary>An Entra access token, or null with a PAT.</summary>
    public async Task<string?> BearerAsync(CancellationToken ct)
    {
        if (_entra is null) return null;
        if (_cached is { } known && known.ExpiresOn - RefreshBefore > DateTimeOffset.UtcNow) return known.Token;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && again.ExpiresOn - RefreshBefore > DateTimeOffset.UtcNow) return again.Token;
            var token = await _entra.Value.GetTokenAsync(new TokenRequestContext([AzureDevOpsOptions.EntraResource + "/.default"]), ct).ConfigureAwait(false);
            _cached = token;
            return token.Token;
        }
        catch (AuthenticationFailedException ex)
        {
            // Retried later by the outbox; the message names no secret.
            throw new HttpRequestException("Entra ID token for Azure DevOps could not be obtained: " + ex.Message, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What a runner clones with: the PAT or a fresh Entra token.</summary>
    public async Task<string?> CloneTokenAsync(CancellationToken ct) => _pat ?? await BearerAsync(ct).ConfigureAwait(false);
}
