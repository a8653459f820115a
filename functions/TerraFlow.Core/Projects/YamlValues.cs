using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TerraFlow.Core.Projects;

/// <summary>Thrown while reading the configuration; <see cref="RepoConfigParser"/> turns it into a <see cref="ConfigError"/>.</summary>
internal sealed class ConfigProblemException(Mark at, string message) : Exception(message)
{
    public int Line { get; } = (int)at.Line;

    public int Column { get; } = (int)at.Column;
}

/// <summary>
/// Typed reads from YamlDotNet's representation model that fail with messages a user can act on
/// ("'autoplan' must be true or false, found the string 'yes'") and the position of the offending node.
/// </summary>
internal static class YamlValues
{
    public static ConfigProblemException Problem(YamlNode at, string message) => new(at.Start, message);

    public static YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Problem(node, $"{what} must be a mapping of keys to values, found {Describe(node)}");

    /// <summary>Rejects keys outside <paramref name="allowed"/>, naming the key, the allowed set and a likely intended key.</summary>
    public static void CheckKeys(YamlMappingNode mapping, IReadOnlyList<string> allowed, string where)
    {
        foreach (var key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name })
                throw Problem(key, $"keys in {where} must be plain names, found {Describe(key)}");
            if (allowed.Contains(name)) continue;
            var suggestion = allowed.FirstOrDefault(a => EditDistance(a, name) <= 2);
            throw Problem(key, $"unknown key '{name}' in {where}{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; allowed keys: {string.Join(", ", allowed)}");
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null when the key is absent or its value is YAML null.</summary>
    public static YamlNode? Get(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value) ? value : null;

    public static string? String(YamlMappingNode mapping, string key)
    {
        if (Get(mapping, key) is not { } node) return null;
        if (node is not YamlScalarNode { Value: { } value })
            throw Problem(node, $"'{key}' must be a string, found {Describe(node)}");
        if (string.IsNullOrWhiteSpace(value)) throw Problem(node, $"'{key}' must not be empty");
        return value;
    }

    public static bool? Bool(YamlMappingNode mapping, string key)
    {
        if (Get(mapping, key) is not { } node) return null;
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value })
        {
            if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
            if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        }
        throw Problem(node, $"'{key}' must be true or false, found {Describe(node)}");
    }

    public static int? Int(YamlMappingNode mapping, string key)
    {
        if (Get(mapping, key) is not { } node) return null;
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value } && int.TryParse(value, out var number))
            return number;
        throw Problem(node, $"'{key}' must be a whole number, found {Describe(node)}");
    }

    /// <summary>A list of strings; each item comes with its node so later checks can point at the exact line.</summary>
    public static IReadOnlyList<(string Value, YamlNode Node)>? StringList(YamlMappingNode mapping, string key)
    {
        if (Get(mapping, key) is not { } node) return null;
        if (node is not YamlSequenceNode sequence)
            throw Problem(node, $"'{key}' must be a list of strings, found {Describe(node)}");
        var items = new List<(string, YamlNode)>();
        foreach (var item in sequence)
        {
            if (item is not YamlScalarNode { Value: { } value } || IsNull(item) || string.IsNullOrWhiteSpace(value))
                throw Problem(item, $"items of '{key}' must be non-empty strings, found {Describe(item)}");
            items.Add((value, item));
        }
        return items;
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "an empty value",
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } scalar => $"the quoted string '{scalar.Value}'",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an unsupported YAML node",
    };

    // Levenshtein distance; keys are short so the quadratic table is fine.
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
