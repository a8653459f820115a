using TerraFlow.Application.Approvals;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// The master key behind approval links, sessions and anti-forgery tokens: from configuration when set, otherwise
/// generated once and kept in TerraFlow's store (<see cref="IServiceSecrets"/>), shared by every host. Loaded before any hosted service starts (so the engine can issue links
/// synchronously) and cached for the life of the process. The key itself is never logged.
/// </summary>
internal sealed class ApprovalSigningKeys(TerraFlowOptions options, IServiceSecrets secrets, ILogger<ApprovalSigningKeys> logger) : IHostedLifecycleService
{
    internal const string SecretName = "approval_signing_key";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ApprovalKeyRing? _ring;

    /// <summary>The loaded keys; throws when the host has not started yet (use <see cref="GetAsync"/> there).</summary>
    public ApprovalKeyRing Current => _ring ?? throw new InvalidOperationException("Approval signing keys are loaded when the host starts; call GetAsync before that.");

    public async ValueTask<ApprovalKeyRing> GetAsync(CancellationToken ct)
    {
        if (_ring is { } ring) return ring;
        await _gate.WaitAsync(ct);
        try
        {
            return _ring ??= new ApprovalKeyRing(await LoadMasterKeyAsync(ct));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadMasterKeyAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(options.Approvals.SigningKey))
        {
            byte[] configured;
            try
            {
                configured = Convert.FromBase64String(options.Approvals.SigningKey.Trim());
            }
            catch (FormatException)
            {
                // Deliberately without the value: it is a secret even when it is malformed.
                throw new InvalidOperationException("TerraFlow__Approvals__SigningKey is not valid base64.");
            }
            if (configured.Length < ApprovalKeyRing.MinimumMasterKeyBytes)
                throw new InvalidOperationException($"TerraFlow__Approvals__SigningKey must decode to at least {ApprovalKeyRing.MinimumMasterKeyBytes} bytes (it has {configured.Length}).");
            logger.LogInformation("Approval links are signed with the key from TerraFlow__Approvals__SigningKey");
            return configured;
        }

        // Hosts racing at first start all get the one key that was stored first.
        var (key, added) = await secrets.GetOrAddAsync(SecretName, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), ct);
        if (added) logger.LogInformation("Generated the approval-link signing key and stored it (service_secrets)");
        return key;
    }

    public async Task StartingAsync(CancellationToken cancellationToken) => await GetAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
