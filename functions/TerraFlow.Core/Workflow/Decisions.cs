namespace TerraFlow.Core.Workflow;

/// <summary>Small helpers the decision modules share.</summary>
internal static class Decisions
{
    /// <summary>The state stays as it is; the person who asked gets a reply saying why nothing happened.</summary>
    public static Decision Refuse(RunState state, string action, string reason, bool reply = true) => Refuse(state, action, [reason], reply);

    /// <param name="extra">Effects that still happen (e.g. joining a lock queue).</param>
    public static Decision Refuse(RunState state, string action, IReadOnlyList<string> reasons, bool reply = true, IEnumerable<Effect>? extra = null)
    {
        var effects = new List<Effect>(extra ?? []);
        if (reply) effects.Add(new PostReply(Replies.Refused(action, reasons)));
        return new Decision(state, effects, "refused", $"{action}: {string.Join("; ", reasons)}");
    }

    public static RunState Replace(RunState state, IReadOnlyDictionary<string, ProjectRunState> changed) =>
        changed.Count == 0 ? state : state with
        {
            Projects = state.Projects.Select(p => changed.TryGetValue(p.Definition.Name, out var c) ? c : p).ToList(),
        };

    public static bool HasChanges(ProjectRunState p) => p.Plan?.Counts.HasChanges == true;
}
