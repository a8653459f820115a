using System.Data.Common;
using Microsoft.Extensions.Configuration;
using TerraFlow.Core.Security;

namespace TerraFlow.Runner.Sandbox;

/// <summary>
/// Every secret value the runner's process knows, for masking: environment variables and settings whose names look
/// secret (webhook secrets, the approval signing key, client secrets, tokens), the passwords and keys inside
/// connection strings, the GitHub App key file's content, and the operator's job credentials. Children never receive
/// these (see <see cref="ChildEnvironment"/>); masking is the second line, for whatever reaches output anyway.
/// </summary>
public static class ConfiguredSecrets
{
    private static readonly string[] ConnectionStringSecretKeys = ["password", "pwd", "sharedaccesskey", "accountkey", "sharedaccesssignature", "accesskey"];

    public static SecretMasker Collect(IConfiguration? configuration, RunnerOptions options, IReadOnlyDictionary<string, string?> environment)
    {
        var masker = new SecretMasker();
        foreach (var (name, value) in environment) AddIfSecret(masker, name, value);
        if (configuration is not null)
        {
            foreach (var (key, value) in configuration.AsEnumerable()) AddIfSecret(masker, key, value);
            AddFile(masker, configuration["TerraFlow:GitHub:PrivateKeyPath"]);
        }
        foreach (var (name, value) in options.Environment)
            if (SecretMasker.LooksSecret(name)) masker.Add(value);
        foreach (var credential in options.Credentials)
        {
            foreach (var value in credential.Environment.Values) masker.Add(value);
            foreach (var name in (credential.PassThrough ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (environment.TryGetValue(name, out var value)) masker.Add(value);
        }
        return masker;
    }

    private static void AddIfSecret(SecretMasker masker, string name, string? value)
    {
        if (string.IsNullOrEmpty(value) || !SecretMasker.LooksSecret(name)) return;
        masker.Add(value);
        if (value.Contains('=', StringComparison.Ordinal)) AddConnectionStringParts(masker, value);
    }

    /// <summary>A connection string is masked whole, and its password or key alone (it may be printed by itself).</summary>
    private static void AddConnectionStringParts(SecretMasker masker, string value)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            return; // not a connection string
        }
        foreach (var key in ConnectionStringSecretKeys)
            if (builder.TryGetValue(key, out var part) && part is string text) masker.Add(text);
    }

    private static void AddFile(SecretMasker masker, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length <= 64 * 1024) masker.Add(File.ReadAllText(path).Trim());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* the GitHub client reports it */ }
    }
}
