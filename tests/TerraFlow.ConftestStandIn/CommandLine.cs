namespace TerraFlow.ConftestStandIn;

/// <summary>The parts of <c>conftest test</c>'s command line the stand-in understands.</summary>
internal sealed record CommandLine(
    IReadOnlyList<string> PolicyDirs,
    IReadOnlyList<string> Files,
    string Output,
    IReadOnlyList<string> Namespaces,
    bool AllNamespaces,
    bool FailOnWarn)
{
    /// <summary>Parses the arguments after <c>test</c>; throws <see cref="UsageException"/> like conftest's flag errors.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var policies = new List<string>();
        var files = new List<string>();
        var namespaces = new List<string>();
        string output = "stdout";
        bool all = false, failOnWarn = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (flag, inline) = arg.StartsWith('-') && arg.Contains('=') ? (arg[..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..]) : (arg, null);
            switch (flag)
            {
                case "-p" or "--policy": policies.Add(Value()); break;
                case "-o" or "--output": output = Value(); break;
                case "-n" or "--namespace": namespaces.Add(Value()); break;
                case "--all-namespaces": all = true; break;
                case "--fail-on-warn": failOnWarn = true; break;
                case "--no-color": break;
                default:
                    if (arg.StartsWith('-') && arg != "-") throw new UsageException($"unknown flag: {flag}");
                    files.Add(arg);
                    break;
            }

            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new UsageException($"flag needs an argument: {flag}");
                return args[++i];
            }
        }
        if (files.Count == 0) throw new UsageException("missing required argument: at least one file to test");
        if (policies.Count == 0) policies.Add("policy"); // conftest's default policy folder
        if (namespaces.Count == 0) namespaces.Add("main");
        return new CommandLine(policies, files, output, namespaces, all, failOnWarn);
    }
}

internal sealed class UsageException(string message) : Exception(message);

/// <summary>Errors conftest reports as "Error: ..." on stderr with exit code 1 (no results printed).</summary>
internal sealed class StandInException(string message) : Exception(message);
