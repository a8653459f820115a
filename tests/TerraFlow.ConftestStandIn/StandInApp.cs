using System.Text.Json;
using System.Text.Json.Nodes;

namespace TerraFlow.ConftestStandIn;

/// <summary>Runs one stand-in invocation; exit codes follow conftest (0 pass, 1 failures or any error, 2 failures with --fail-on-warn).</summary>
public static class StandInApp
{
    public const string Version = "0.56.0-standin";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args is ["--version"] or ["-v"] or ["version"])
            {
                stdout.WriteLine($"Conftest: {Version}");
                return 0;
            }
            if (args.Count == 0 || args[0] != "test")
                throw new UsageException(args.Count == 0 ? "a command is required; the stand-in supports only 'test'" : $"unknown command \"{args[0]}\" for \"conftest\" (the stand-in supports only 'test')");
            var command = CommandLine.Parse(args.Skip(1).ToList());
            if (command.Output != "json")
                throw new StandInException($"the stand-in only writes --output json, not '{command.Output}'");
            return Test(command, stdout);
        }
        catch (UsageException ex)
        {
            // conftest (cobra) prints the error and the usage line, and exits 1.
            stderr.WriteLine($"Error: {ex.Message}");
            stderr.WriteLine("Usage:\n  conftest test <path> [path [...]] [flags]");
            return 1;
        }
        catch (StandInException ex)
        {
            stderr.WriteLine($"Error: {ex.Message}");
            return 1;
        }
    }

    private static int Test(CommandLine command, TextWriter stdout)
    {
        var directives = new List<Directive>();
        var namespaces = new List<string>();
        foreach (var dir in command.PolicyDirs)
        {
            var (found, declared) = Directive.LoadAll(dir);
            directives.AddRange(found);
            namespaces.AddRange(declared.Where(n => !namespaces.Contains(n)));
        }
        if (directives.FirstOrDefault(d => d.Kind == "error") is { } broken)
            throw new StandInException($"running test: {broken.Where}: {broken.Message}");
        var checkedNamespaces = (command.AllNamespaces ? namespaces : namespaces.Where(command.Namespaces.Contains)).Order(StringComparer.Ordinal).ToList();

        var results = new JsonArray();
        bool failed = false, warned = false;
        foreach (var file in command.Files)
        {
            var resources = ReadResources(file);
            foreach (var ns in checkedNamespaces)
            {
                var failures = new JsonArray();
                var warnings = new JsonArray();
                var successes = 0;
                foreach (var directive in directives.Where(d => d.Namespace == ns))
                {
                    var hits = Evaluate(directive, resources);
                    if (hits.Count == 0) successes++;
                    foreach (var hit in hits) (directive.Kind == "deny" ? failures : warnings).Add(hit);
                }
                var entry = new JsonObject { ["filename"] = file, ["namespace"] = ns, ["successes"] = successes };
                // conftest leaves empty lists out of its JSON.
                if (warnings.Count > 0) entry["warnings"] = warnings;
                if (failures.Count > 0) entry["failures"] = failures;
                results.Add(entry);
                failed |= failures.Count > 0;
                warned |= warnings.Count > 0;
            }
        }
        stdout.WriteLine(results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (command.FailOnWarn) return failed ? 2 : warned ? 1 : 0;
        return failed ? 1 : 0;
    }

    private static List<JsonObject> Evaluate(Directive directive, IReadOnlyList<PlanResource> resources)
    {
        var query = $"data.{directive.Namespace}.{directive.Kind}";
        if (!directive.TargetsResources)
            return [new JsonObject { ["msg"] = directive.Message, ["metadata"] = new JsonObject { ["query"] = query } }];
        return resources
            .Where(r => directive.ResourceType is null || Glob.IsMatch(directive.ResourceType, r.Type))
            .Where(r => directive.Address is null || Glob.IsMatch(directive.Address, r.Address))
            .Where(r => directive.Actions.Count == 0 || directive.Actions.Any(r.Has))
            .Select(r => new JsonObject
            {
                ["msg"] = directive.Message.Replace("{address}", r.Address, StringComparison.Ordinal),
                // conftest puts the other keys of a rule's result object into metadata, plus the query.
                ["metadata"] = new JsonObject { ["query"] = query, ["resource"] = r.Address },
            })
            .ToList();
    }

    private static IReadOnlyList<PlanResource> ReadResources(string file)
    {
        if (!File.Exists(file)) throw new StandInException($"running test: open {file}: no such file or directory");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!document.RootElement.TryGetProperty("resource_changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
                return [];
            return changes.EnumerateArray().Select(c => new PlanResource(
                c.GetProperty("address").GetString() ?? "",
                c.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "",
                c.GetProperty("change").GetProperty("actions").EnumerateArray().Select(a => a.GetString() ?? "").ToList())).ToList();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new StandInException($"running test: parse configurations: parser json: unmarshal json: {file}: {ex.Message}");
        }
    }

    private sealed record PlanResource(string Address, string Type, IReadOnlyList<string> Actions)
    {
        /// <summary>"replace" means delete and create together; other names must appear in the actions list.</summary>
        public bool Has(string action) =>
            action == "replace" ? Actions.Contains("delete") && Actions.Contains("create") : Actions.Contains(action);
    }
}

/// <summary><c>*</c> matches any run of characters; everything else is literal.</summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, "^" + string.Join(".*", pattern.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$");
}
