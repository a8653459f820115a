using System.Text.RegularExpressions;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Deployment;

/// <summary>
/// Reads the Bicep files under <c>bicep/</c> as text. No Bicep compiler can run on the build machines, so the
/// deployment tests check the shape of the source: which modules, parameters, properties and API versions it names.
/// </summary>
public static partial class BicepSource
{
    public static string Folder => Path.Combine(RepoPaths.Root, "bicep");

    public static string Read(string relativePath)
    {
        var path = Path.Combine(Folder, relativePath);
        if (!File.Exists(path)) throw new InvalidOperationException($"Expected the Bicep file {path}.");
        return File.ReadAllText(path);
    }

    public static IReadOnlyList<string> AllBicepFiles() =>
        Directory.GetFiles(Folder, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Module paths in <c>module name 'path' = ...</c> declarations (local files only, not registry refs).</summary>
    public static IEnumerable<string> ModuleReferences(string source) =>
        ModuleRegex().Matches(source).Select(m => m.Groups[1].Value).Where(p => !p.StartsWith("br:") && !p.StartsWith("br/") && !p.StartsWith("ts:") && !p.StartsWith("ts/"));

    /// <summary>Declared parameters: name → whether the declaration has a default value.</summary>
    public static IReadOnlyDictionary<string, bool> Parameters(string source) =>
        ParamRegex().Matches(source).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Success);

    /// <summary>Names assigned in a .bicepparam file (<c>param name = value</c>).</summary>
    public static IReadOnlySet<string> AssignedParameters(string bicepparam) =>
        AssignedParamRegex().Matches(bicepparam).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every <c>'Type@version'</c> a resource or existing reference uses.</summary>
    public static IEnumerable<(string Type, string ApiVersion)> ResourceTypes(string source) =>
        ResourceTypeRegex().Matches(source).Select(m => (m.Groups[1].Value, m.Groups[2].Value));

    /// <summary>
    /// The body of the first declaration (<c>resource</c> or <c>module</c>) of the given symbol, from its opening
    /// brace to the matching closing brace.
    /// </summary>
    public static string Block(string source, string symbol)
    {
        var match = Regex.Match(source, $@"^(resource|module)\s+{Regex.Escape(symbol)}\s+'[^']+'(\s+existing)?\s*=\s*(if\s*\(.*?\)\s*)?\{{", RegexOptions.Multiline);
        if (!match.Success) throw new InvalidOperationException($"No resource or module named '{symbol}'.");
        var start = match.Index + match.Length - 1;
        var depth = 0;
        for (var i = start; i < source.Length; i++)
        {
            if (source[i] == '{') depth++;
            else if (source[i] == '}' && --depth == 0) return source[start..(i + 1)];
        }
        throw new InvalidOperationException($"The block of '{symbol}' never closes.");
    }

    /// <summary>
    /// The first bracket that does not pair up, ignoring comments and string contents (but not the code inside
    /// <c>${...}</c> interpolations); null when all of <c>{}[]()</c> balance. A cheap syntax check for hand edits.
    /// </summary>
    public static string? FirstUnbalancedBracket(string source)
    {
        var stack = new Stack<(char Close, int Line, bool Interpolation)>();
        var line = 1;
        var inString = false;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '\n') line++;
            if (inString)
            {
                if (c == '\\') { i++; continue; }
                if (c == '\'') inString = false;
                else if (c == '$' && i + 1 < source.Length && source[i + 1] == '{')
                {
                    stack.Push(('}', line, true));
                    inString = false;
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n') i++;
                line++;
                continue;
            }
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) return $"unterminated comment at line {line}";
                line += source[i..end].Count(ch => ch == '\n');
                i = end + 1;
                continue;
            }
            switch (c)
            {
                case '\'': inString = true; break;
                case '{': stack.Push(('}', line, false)); break;
                case '[': stack.Push((']', line, false)); break;
                case '(': stack.Push((')', line, false)); break;
                case '}' or ']' or ')':
                    if (stack.Count == 0 || stack.Peek().Close != c) return $"unexpected '{c}' at line {line}";
                    var closed = stack.Pop();
                    if (closed.Interpolation) inString = true; // back inside the string the interpolation was in
                    break;
            }
        }
        if (inString) return "unterminated string";
        return stack.Count == 0 ? null : $"'{stack.Peek().Close}' missing for the bracket opened at line {stack.Peek().Line}";
    }

    [GeneratedRegex(@"^module\s+\w+\s+'([^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleRegex();

    // `param name type` with an optional `= default`; decorators sit on the lines above and are not part of it.
    [GeneratedRegex(@"^param\s+(\w+)\s+[\w.]+(\s*=.*)?$", RegexOptions.Multiline)]
    private static partial Regex ParamRegex();

    [GeneratedRegex(@"^param\s+(\w+)\s*=", RegexOptions.Multiline)]
    private static partial Regex AssignedParamRegex();

    [GeneratedRegex(@"'([A-Za-z]+\.[A-Za-z]+/[A-Za-z/]+)@(\d{4}-\d{2}-\d{2}(?:-preview)?)'")]
    private static partial Regex ResourceTypeRegex();
}
