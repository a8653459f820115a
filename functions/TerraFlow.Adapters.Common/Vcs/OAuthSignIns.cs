namespace TerraFlow.Adapters.Vcs;

/// <summary>Provider name → <see cref="IOAuthSignIn"/>, from every registered sign-in (configured or not).</summary>
public sealed class OAuthSignIns
{
    private readonly Dictionary<string, IOAuthSignIn> _byProvider = new(StringComparer.OrdinalIgnoreCase);

    public OAuthSignIns(IEnumerable<IOAuthSignIn> signIns)
    {
        foreach (var signIn in signIns)
            if (!_byProvider.TryAdd(signIn.Provider, signIn))
                throw new InvalidOperationException($"Two approver sign-ins are registered for provider '{signIn.Provider}'.");
    }

    /// <summary>The sign-in for <paramref name="provider"/> (null/empty: the original provider), or null when none is registered.</summary>
    public IOAuthSignIn? Find(string? provider) => _byProvider.GetValueOrDefault(VcsProviderNames.OrDefault(provider));
}
