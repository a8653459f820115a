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

    /// <summary>Every registered sign-in, configured or not (the console's sign-in page lists the configured ones).</summary>
    public IEnumerable<IOAuthSignIn> All => _byProvider.Values.OrderBy(s => s.Provider, StringComparer.Ordinal);

    /// <summary>The sign-in for <paramref name="provider"/>, or null when none is registered (or no name was given).</summary>
    public IOAuthSignIn? Find(string? provider) =>
        string.IsNullOrWhiteSpace(provider) ? null : _byProvider.GetValueOrDefault(provider.Trim());
}
