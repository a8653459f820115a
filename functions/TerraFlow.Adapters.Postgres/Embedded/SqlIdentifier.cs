using System.Text.RegularExpressions;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Guards names we splice into DDL (CREATE DATABASE cannot take parameters), so only plain
/// lower-case identifiers are accepted and they never need quoting rules beyond double quotes.
/// </summary>
public static partial class SqlIdentifier
{
    /// <summary>Throws unless <paramref name="name"/> is 1-63 chars of [a-z0-9_] starting with a letter or underscore.</summary>
    public static void EnsureSimple(string name, string parameterName)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !SimpleName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a simple PostgreSQL identifier (1-63 chars of a-z, 0-9, _; not starting with a digit).",
                parameterName);
        }
    }

    /// <summary>The identifier in double quotes, after <see cref="EnsureSimple"/>.</summary>
    public static string Quote(string name)
    {
        EnsureSimple(name, nameof(name));
        return "\"" + name + "\"";
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex SimpleName();
}
