using System.Text;
using TerraFlow.Core.Plans;

namespace TerraFlow.Core.Comments;

/// <summary>Builds the resource change, drift and output lists of a project section as truncatable blocks.</summary>
internal static class ChangeListBlocks
{
    /// <summary>Attributes shown per resource; a resource with hundreds of changed attributes must not crowd out the rest.</summary>
    private const int MaxAttributesPerResource = 30;

    /// <summary>Characters shown per attribute value; long JSON policies would otherwise dominate the list.</summary>
    private const int MaxValueChars = 200;

    /// <summary>
    /// Groups for no-op entries that still change the state: imports and moves with nothing else to do. Numbered after
    /// the <see cref="ChangeAction"/> values so one array counts every group.
    /// </summary>
    private static readonly int ImportGroup = Enum.GetValues<ChangeAction>().Length;
    private static readonly int MoveGroup = ImportGroup + 1;

    /// <summary>
    /// Display order of the groups: what is created or changed first, then what goes away, then what only changes in
    /// the state (imports, moves). An import or move that also changes the object is listed under its action.
    /// </summary>
    private static readonly int[] GroupOrder =
    [
        (int)ChangeAction.Create, (int)ChangeAction.Update, (int)ChangeAction.DeleteThenCreate, (int)ChangeAction.CreateThenDelete,
        (int)ChangeAction.CreateThenForget, (int)ChangeAction.ForgetThenCreate,
        (int)ChangeAction.Delete, (int)ChangeAction.Read, (int)ChangeAction.Forget, ImportGroup, MoveGroup,
    ];

    public static TruncatableBlock? ResourceChanges(IReadOnlyList<ResourceChange> changes) =>
        Grouped(changes, "**Resource changes**\n\n", StatusText.ChangeGroup,
            n => $"_… truncated: {MarkdownText.Plural(n, "more resource change", "more resource changes")}, full plan in the artifact store._\n\n");

    public static TruncatableBlock? Drift(IReadOnlyList<ResourceChange> drift) =>
        Grouped(drift, "**Resource drift** — objects changed outside of Terraform since the last apply:\n\n", StatusText.DriftGroup,
            n => $"_… truncated: {MarkdownText.Plural(n, "more drifted resource", "more drifted resources")}, full plan in the artifact store._\n\n");

    public static TruncatableBlock? Outputs(IReadOnlyList<OutputChange> outputs)
    {
        var builder = new TruncatableBlock.Builder("**Output changes**\n\n", "\n",
            n => $"_… truncated: {MarkdownText.Plural(n, "more output change", "more output changes")}, full plan in the artifact store._\n\n");
        foreach (var o in outputs)
        {
            if (o.Action == ChangeAction.NoOp) continue;
            builder.Body.Append("- ").Append(MarkdownText.Code(o.Name)).Append(" — ").Append(StatusText.OutputAction(o.Action));
            if (o.Sensitive) builder.Body.Append(" (sensitive value)");
            builder.Body.Append('\n');
            builder.EndItem();
        }
        return builder.ItemCount == 0 ? null : builder.Build();
    }

    private static TruncatableBlock? Grouped(
        IReadOnlyList<ResourceChange> changes, string title, Func<ChangeAction, int, string> groupHeading, Func<int, string> note)
    {
        // Count per group first so each group heading can say how many it holds, even when the list is cut.
        var counts = new int[MoveGroup + 1];
        foreach (var c in changes) counts[GroupOf(c)]++;

        // Each group already ends with a blank line; a cut ends after an item, so its note needs one of its own.
        var builder = new TruncatableBlock.Builder(title, "", n => "\n" + note(n));
        foreach (var group in GroupOrder)
        {
            if (counts[group] == 0) continue;
            // The heading joins the group's first item, so a cut never leaves a heading without items.
            var heading = group == ImportGroup ? StatusText.ImportGroup(counts[group])
                : group == MoveGroup ? StatusText.MoveGroup(counts[group])
                : groupHeading((ChangeAction)group, counts[group]);
            builder.Body.Append(heading).Append("\n\n");
            foreach (var c in changes)
            {
                if (GroupOf(c) != group) continue;
                AppendResource(builder.Body, c);
                builder.EndItem();
            }
            builder.Body.Append('\n');
        }
        return builder.ItemCount == 0 ? null : builder.Build();
    }

    /// <summary>The group an entry is listed in; a plain no-op (nothing changes, not even the state) is in none that is shown.</summary>
    private static int GroupOf(ResourceChange c) =>
        c.Action != ChangeAction.NoOp ? (int)c.Action
        : c.Importing ? ImportGroup
        : c.IsMove ? MoveGroup
        : (int)ChangeAction.NoOp;

    private static void AppendResource(StringBuilder sb, ResourceChange c)
    {
        // A move shows both addresses the way Terraform's "has moved to" line does: old → new.
        sb.Append("- ");
        if (c.IsMove) sb.Append(MarkdownText.Code(c.PreviousAddress!)).Append(" → ");
        sb.Append(MarkdownText.Code(c.Address));
        if (c.Importing) sb.Append(c.ImportId is null ? " — imported" : " — imported from ID " + MarkdownText.Code(c.ImportId));
        if (!string.IsNullOrEmpty(c.ActionReason)) sb.Append(" — ").Append(StatusText.Reason(c.ActionReason));
        sb.Append('\n');
        // Attribute diffs matter for in-place updates and replacements (they show what forces the replacement);
        // for creates and deletes they would just repeat the whole resource.
        if (c.Action is not (ChangeAction.Update or ChangeAction.DeleteThenCreate or ChangeAction.CreateThenDelete)) return;
        var shown = Math.Min(c.Diffs.Count, MaxAttributesPerResource);
        for (var i = 0; i < shown; i++) AppendAttribute(sb, c.Diffs[i]);
        if (c.Diffs.Count > shown)
            sb.Append("  - … ").Append(MarkdownText.Plural(c.Diffs.Count - shown, "more attribute", "more attributes")).Append('\n');
    }

    private static void AppendAttribute(StringBuilder sb, AttributeDiff d)
    {
        sb.Append("  - ").Append(MarkdownText.Code(d.Path)).Append(": ");
        if (d.Sensitive)
        {
            // Never print a value the model marked sensitive, even if a masked string is present.
            sb.Append("(sensitive value)\n");
            return;
        }
        sb.Append(Value(d.Before)).Append(" → ").Append(d.KnownAfterApply ? "(known after apply)" : Value(d.After)).Append('\n');
    }

    private static string Value(string? v) => v is null ? "(null)" : MarkdownText.Code(MarkdownText.Shorten(v, MaxValueChars));
}
