using System.Text;
using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Plans;

/// <summary>
/// Renders attribute diffs in Terraform's human plan layout: a 3-wide action column
/// (<c>  +</c>, <c>  -</c>, <c>  ~</c>), keys padded so the <c>=</c> signs line up, nested maps and lists
/// indented by four, unchanged attributes summarised as <c># (N unchanged attributes hidden)</c>.
/// Without provider schemas it cannot tell nested blocks from map attributes, so both render as maps.
/// </summary>
internal sealed class ValueRenderer(StringBuilder output)
{
    private const string Unknown = "(known after apply)";
    private const string Sensitive = "(sensitive value)";

    /// <summary>Writes one line: indent, the right-aligned action symbol, a space, the text.</summary>
    public void Line(int indent, string symbol, string text)
        => output.Append(' ', indent).Append(symbol.PadLeft(3)).Append(' ').Append(text).Append('\n');

    /// <summary>Diffs the members of two objects; <paramref name="alwaysShow"/> keys stay visible when unchanged.</summary>
    public void ObjectBody(int indent, ValueNode before, ValueNode after, bool quoteKeys, string hiddenNoun, Func<string, string>? suffix = null, ISet<string>? alwaysShow = null)
    {
        var keys = before.Keys().Concat(after.Keys()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var shown = new List<(string Key, ValueNode Before, ValueNode After)>();
        var hidden = 0;
        foreach (var key in keys)
        {
            var (b, a) = (before.Child(key), after.Child(key));
            if (!b.Exists && !a.Exists)
            {
                continue;
            }

            if (b.Exists && a.Exists && b.SameAs(a) && !(alwaysShow?.Contains(key) ?? false))
            {
                hidden++;
                continue;
            }

            shown.Add((key, b, a));
        }

        var width = shown.Count == 0 ? 0 : shown.Max(s => FormatKey(s.Key, quoteKeys).Length);
        foreach (var (key, b, a) in shown)
        {
            Attribute(indent, FormatKey(key, quoteKeys).PadRight(width), b, a, suffix?.Invoke(key) ?? string.Empty);
        }

        if (hidden > 0)
        {
            Line(indent, string.Empty, $"# ({hidden} unchanged {hiddenNoun}{(hidden == 1 ? string.Empty : "s")} hidden)");
        }
    }

    /// <summary>Writes <c>key = value</c> with the action symbol the before/after pair implies.</summary>
    public void Attribute(int indent, string key, ValueNode before, ValueNode after, string suffix = "")
    {
        if (!before.Exists)
        {
            Line(indent, "+", $"{key} = {Value(indent, after, "+")}{suffix}");
        }
        else if (!after.Exists)
        {
            Line(indent, "-", $"{key} = {Value(indent, before, "-")} -> null{suffix}");
        }
        else if (before.SameAs(after))
        {
            Line(indent, string.Empty, $"{key} = {Value(indent, after, string.Empty)}{suffix}");
        }
        else if (Nested(before, after, JsonValueKind.Object))
        {
            Line(indent, "~", $"{key} = {{");
            ObjectBody(indent + 4, before, after, quoteKeys: true, "element");
            Line(indent, string.Empty, "}" + suffix);
        }
        else if (Nested(before, after, JsonValueKind.Array))
        {
            Line(indent, "~", $"{key} = [");
            ListBody(indent + 4, before, after);
            Line(indent, string.Empty, "]" + suffix);
        }
        else
        {
            Line(indent, "~", $"{key} = {Value(indent, before, string.Empty)} -> {Value(indent, after, string.Empty)}{suffix}");
        }
    }

    /// <summary>Renders a whole value; multi-line values prefix every member with <paramref name="symbol"/>.</summary>
    public string Value(int indent, ValueNode node, string symbol)
    {
        if (node.IsSensitive)
        {
            return Sensitive;
        }

        if (node.IsUnknown)
        {
            return Unknown;
        }

        switch (node.Kind)
        {
            case JsonValueKind.String:
                return Quote(node.Value.GetString()!);
            case JsonValueKind.Object:
                return Composite(indent, symbol, '{', '}', node.Keys().Distinct().Select(k => ((string?)FormatKey(k, quote: true), node.Child(k))));
            case JsonValueKind.Array:
                return Composite(indent, symbol, '[', ']', Enumerable.Range(0, node.Length).Select(i => ((string?)null, node.Child(i))));
            case JsonValueKind.Undefined:
                return "null";
            default:
                return node.Value.GetRawText();
        }
    }

    /// <summary>Maps render as <c>"key" = value</c> lines, lists as <c>value,</c> lines.</summary>
    private string Composite(int indent, string symbol, char open, char close, IEnumerable<(string? Key, ValueNode Child)> members)
    {
        var items = members.Where(m => m.Child.Exists).ToList();
        if (items.Count == 0)
        {
            return $"{open}{close}";
        }

        var width = items.Max(i => i.Key?.Length ?? 0);
        var inner = new StringBuilder().Append(open).Append('\n');
        var nested = new ValueRenderer(inner);
        foreach (var (key, child) in items)
        {
            var value = nested.Value(indent + 4, child, symbol);
            nested.Line(indent + 4, symbol, key is null ? value + "," : $"{key.PadRight(width)} = {value}");
        }

        return inner.Append(' ', indent + 4).Append(close).ToString();
    }

    private void ListBody(int indent, ValueNode before, ValueNode after)
    {
        var afterItems = Enumerable.Range(0, after.Length).Select(after.Child).ToList();
        var beforeItems = Enumerable.Range(0, before.Length).Select(before.Child).ToList();
        var unchanged = 0;
        foreach (var item in beforeItems)
        {
            if (afterItems.Any(a => a.SameAs(item)))
            {
                unchanged++;
            }
            else
            {
                Line(indent, "-", Value(indent, item, "-") + ",");
            }
        }

        foreach (var item in afterItems.Where(a => !beforeItems.Any(b => b.SameAs(a))))
        {
            Line(indent, "+", Value(indent, item, "+") + ",");
        }

        if (unchanged > 0)
        {
            Line(indent, string.Empty, $"# ({unchanged} unchanged element{(unchanged == 1 ? string.Empty : "s")} hidden)");
        }
    }

    private static bool Nested(ValueNode before, ValueNode after, JsonValueKind kind)
        => before.Kind == kind && after.Kind == kind && !before.IsSensitive && !after.IsSensitive && !after.IsUnknown;

    private static string FormatKey(string key, bool quote) => quote ? Quote(key) : key;

    private static string Quote(string text)
        => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
