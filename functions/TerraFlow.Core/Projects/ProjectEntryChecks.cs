using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>Checks that span several projects: unique names, known <c>depends_on</c> targets, no dependency cycles.</summary>
internal static class ProjectEntryChecks
{
    public static void RequireUniqueNames(IReadOnlyList<ProjectEntry> entries)
    {
        var firstByName = new Dictionary<string, ProjectEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = entry.Definition.Name;
            if (firstByName.TryAdd(name, entry)) continue;

            var first = firstByName[name];
            var derived = entry.NameIsDerived
                ? $" (derived from dir '{entry.Definition.Dir}' and workspace '{entry.Definition.Workspace}')"
                : "";
            throw Problem(entry.NameNode,
                $"duplicate project name '{name}'{derived} in project #{entry.Number}; project #{first.Number} at line {first.NameNode.Start.Line} already uses it. Set a distinct 'name'");
        }
    }

    public static void RequireKnownAcyclicDependencies(IReadOnlyList<ProjectEntry> entries)
    {
        var byName = entries.ToDictionary(e => e.Definition.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var (target, node) in entry.DependsOn)
            {
                if (byName.ContainsKey(target)) continue;
                var known = string.Join(", ", entries.Select(e => e.Definition.Name).Take(20));
                throw Problem(node, $"project '{entry.Definition.Name}' depends on unknown project '{target}'; known projects: {known}{(entries.Count > 20 ? ", ..." : "")}");
            }
        }

        // Depth-first search; meeting a project that is still on the stack closes a cycle.
        var state = new Dictionary<string, VisitState>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var entry in entries) Visit(entry);

        void Visit(ProjectEntry entry)
        {
            var name = entry.Definition.Name;
            if (state.TryGetValue(name, out var seen) && seen == VisitState.Done) return;
            state[name] = VisitState.OnStack;
            stack.Add(name);
            foreach (var (target, node) in entry.DependsOn)
            {
                if (state.TryGetValue(target, out var targetState) && targetState == VisitState.OnStack)
                {
                    var cycle = stack.Skip(stack.IndexOf(target)).Append(target);
                    throw Problem(node, $"dependency cycle: {string.Join(" -> ", cycle)}");
                }
                if (targetState != VisitState.Done) Visit(byName[target]);
            }
            stack.RemoveAt(stack.Count - 1);
            state[name] = VisitState.Done;
        }
    }

    private enum VisitState { OnStack = 1, Done = 2 }
}
