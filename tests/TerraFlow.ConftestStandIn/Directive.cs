using System.Text;

namespace TerraFlow.ConftestStandIn;

/// <summary>
/// One <c># standin: KIND key=value ... msg="..."</c> comment from a <c>.rego</c> file.
/// KIND is deny, warn or error; keys are resource_type, address and action (see README.md).
/// </summary>
internal sealed record Directive(
    string Kind,
    string Namespace,
    string? ResourceType,
    string? Address,
    IReadOnlyList<string> Actions,
    string Message,
    string Where)
{
    public const string Prefix = "# standin:";

    public bool TargetsResources => ResourceType is not null || Address is not null || Actions.Count > 0;

    /// <summary>Every directive of the <c>.rego</c> files directly in or below <paramref name="dir"/>, and the namespaces declared there.</summary>
    public static (IReadOnlyList<Directive> Directives, IReadOnlyList<string> Namespaces) LoadAll(string dir)
    {
        if (!Directory.Exists(dir) && !File.Exists(dir))
            throw new StandInException($"running test: load: loading policies: stat {dir}: no such file or directory");
        var files = File.Exists(dir)
            ? [dir]
            : Directory.EnumerateFiles(dir, "*.rego", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith("_test.rego", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
        if (files.Count == 0)
            throw new StandInException($"running test: load: loading policies: no policies found in [{dir}]");

        var directives = new List<Directive>();
        var namespaces = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            var ns = lines.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("package ", StringComparison.Ordinal))?["package ".Length..].Trim();
            if (string.IsNullOrEmpty(ns))
                throw new StandInException($"running test: load: loading policies: {file}:1: rego_parse_error: package expected");
            if (!namespaces.Contains(ns)) namespaces.Add(ns);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                    directives.Add(Parse(line[Prefix.Length..], ns, $"{file}:{i + 1}"));
            }
        }
        return (directives, namespaces);
    }

    private static Directive Parse(string text, string ns, string where)
    {
        var words = Split(text, where);
        if (words.Count == 0 || words[0] is not ("deny" or "warn" or "error"))
            throw new StandInException($"{where}: a standin directive starts with deny, warn or error");
        string? type = null, address = null, message = null;
        var actions = new List<string>();
        foreach (var word in words.Skip(1))
        {
            var eq = word.IndexOf('=');
            if (eq <= 0) throw new StandInException($"{where}: expected key=value, found '{word}'");
            var (key, value) = (word[..eq], word[(eq + 1)..]);
            switch (key)
            {
                case "resource_type": type = value; break;
                case "address": address = value; break;
                case "action": actions.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                case "msg": message = value; break;
                default: throw new StandInException($"{where}: unknown standin key '{key}'");
            }
        }
        return new Directive(words[0], ns, type, address, actions, message ?? $"{words[0]} from {where}", where);
    }

    /// <summary>Splits on spaces, keeping double-quoted parts (with \" escapes) together and unquoted.</summary>
    private static List<string> Split(string text, string where)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && quoted && i + 1 < text.Length) { current.Append(text[++i]); continue; }
            if (c == '"') { quoted = !quoted; any = true; continue; }
            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0 || any) words.Add(current.ToString());
                current.Clear();
                any = false;
                continue;
            }
            current.Append(c);
        }
        if (quoted) throw new StandInException($"{where}: unterminated quote");
        if (current.Length > 0 || any) words.Add(current.ToString());
        return words;
    }
}
