namespace TerraFlow.TerraformStandIn.Cli;

/// <summary>
/// A tiny re-implementation of Go's <c>flag</c> package rules, because real Terraform parses its
/// sub-command options with it: <c>-name=value</c>, <c>-name value</c> (value flags only),
/// <c>--name</c> equals <c>-name</c>, bool flags take only <c>-name</c> or <c>-name=true|false</c>,
/// and parsing stops at the first positional argument or at <c>--</c>.
/// </summary>
internal sealed class FlagSet
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    private FlagSet()
    {
    }

    /// <summary>Arguments left after the flags (for example the plan file of <c>apply</c>).</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Set when the arguments do not parse; the text matches Go's flag error messages.</summary>
    public string? Error { get; private set; }

    public static FlagSet Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> boolFlags, IReadOnlyCollection<string> valueFlags)
    {
        var set = new FlagSet();
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }

            if (arg == "--")
            {
                i++;
                break;
            }

            var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq >= 0 ? body[..eq] : body;
            string? inlineValue = eq >= 0 ? body[(eq + 1)..] : null;

            if (boolFlags.Contains(name))
            {
                var parsed = inlineValue is null ? true : ParseGoBool(inlineValue);
                if (parsed is null)
                {
                    set.Error = $"invalid boolean value \"{inlineValue}\" for -{name}";
                    return set;
                }

                set.Add(name, parsed.Value ? "true" : "false");
            }
            else if (valueFlags.Contains(name))
            {
                if (inlineValue is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        set.Error = $"flag needs an argument: -{name}";
                        return set;
                    }

                    inlineValue = args[++i];
                }

                set.Add(name, inlineValue);
            }
            else
            {
                set.Error = $"flag provided but not defined: -{name}";
                return set;
            }
        }

        for (; i < args.Count; i++)
        {
            set._positionals.Add(args[i]);
        }

        return set;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Last value wins, as in Go for scalar flags.</summary>
    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>All values of a repeatable flag such as <c>-var</c> or <c>-backend-config</c>.</summary>
    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool Bool(string name, bool defaultValue = false)
        => Value(name) is { } v ? v == "true" : defaultValue;

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            list = [];
            _values[name] = list;
        }

        list.Add(value);
    }

    // Go's strconv.ParseBool accepts exactly these spellings.
    private static bool? ParseGoBool(string text) => text switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };
}
