namespace TerraFlow.Core.Security;

/// <summary>
/// Replaces known secret values in text that leaves the runner (logs, error messages, PR comments).
/// Values shorter than 4 characters are not masked: they would garble ordinary output and protect nothing.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";
    private readonly List<string> _secrets = [];
    private readonly Lock _gate = new();

    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 4) return;
        lock (_gate)
        {
            if (_secrets.Contains(secret)) return;
            _secrets.Add(secret);
            // Longest first, so a secret that contains another is masked whole.
            _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    /// <summary>Adds the values of environment variables whose names say they hold a secret.</summary>
    public void AddSecretEnvironment(IEnumerable<KeyValuePair<string, string?>> environment)
    {
        foreach (var (name, value) in environment)
            if (LooksSecret(name)) Add(value);
    }

    /// <summary>A masker with the same secrets, to which further secrets can be added without touching this one.</summary>
    public SecretMasker Clone()
    {
        var copy = new SecretMasker();
        lock (_gate) copy._secrets.AddRange(_secrets);
        return copy;
    }

    public string Apply(string text)
    {
        lock (_gate)
        {
            foreach (var secret in _secrets)
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    public static bool LooksSecret(string variableName)
    {
        var n = variableName.ToUpperInvariant();
        return n.Contains("SECRET", StringComparison.Ordinal) || n.Contains("TOKEN", StringComparison.Ordinal)
            || n.Contains("PASSWORD", StringComparison.Ordinal) || n.Contains("PRIVATE_KEY", StringComparison.Ordinal)
            || n.EndsWith("_KEY", StringComparison.Ordinal) || n.Contains("CREDENTIAL", StringComparison.Ordinal);
    }
}
