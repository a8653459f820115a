namespace TerraFlow.Core.Security;

/// <summary>
/// Replaces known secret values in text that leaves the runner (logs, error messages, PR comments, artifacts).
/// Values shorter than 4 characters are not masked: they would garble ordinary output and protect nothing.
/// Each secret is also masked in the forms Terraform code can trivially turn it into (see <see cref="SecretForms"/>):
/// base64 (at any byte offset, so a secret inside a larger base64 blob is found), base64url, URL-encoding, JSON
/// escaping and, for multi-line values such as a PEM key, each line.
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
            var added = false;
            foreach (var form in SecretForms.Of(secret))
            {
                if (_secrets.Contains(form)) continue;
                _secrets.Add(form);
                added = true;
            }
            // Longest first, so a secret that contains another is masked whole.
            if (added) _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
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

    /// <summary>
    /// Whether a variable or setting name says its value is a secret. Works on environment names
    /// (<c>ARM_CLIENT_SECRET</c>) and on configuration keys (<c>TerraFlow:Approvals:SigningKey</c>,
    /// <c>TerraFlow__Vcs__PrivateKeyPem</c>); a key's path (<c>PrivateKeyPath</c>) is not a secret.
    /// </summary>
    public static bool LooksSecret(string variableName)
    {
        var whole = variableName.ToUpperInvariant();
        if (whole.StartsWith("CONNECTIONSTRINGS", StringComparison.Ordinal)) return true;
        // A configuration path (TerraFlow__Vcs__ProjectSecrets__0__Project) is judged by its last segment: a
        // project's name under a "secrets" section is not a secret.
        var cut = Math.Max(whole.LastIndexOf("__", StringComparison.Ordinal) + 1, whole.LastIndexOf(':'));
        var n = cut > 0 ? whole[(cut + 1)..] : whole;
        if (n.EndsWith("PATH", StringComparison.Ordinal) || n.EndsWith("FILE", StringComparison.Ordinal)) return false;
        return n.Contains("SECRET", StringComparison.Ordinal) || n.Contains("TOKEN", StringComparison.Ordinal)
            || n.Contains("PASSWORD", StringComparison.Ordinal) || n.Contains("PRIVATE_KEY", StringComparison.Ordinal)
            || n.Contains("PRIVATEKEY", StringComparison.Ordinal) || n.Contains("SIGNINGKEY", StringComparison.Ordinal)
            || n.Contains("ACCESSKEY", StringComparison.Ordinal) || n.Contains("ACCOUNTKEY", StringComparison.Ordinal)
            || n.EndsWith("_KEY", StringComparison.Ordinal) || n.Contains("CREDENTIAL", StringComparison.Ordinal)
            || n.Contains("CONNECTIONSTRING", StringComparison.Ordinal);
    }
}
