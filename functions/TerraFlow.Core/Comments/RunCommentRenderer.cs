using System.Text;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>
/// Renders the pull-request comment(s) for one run as the Markdown the VCS hosts render.
/// <para>
/// Size policy, in order: (1) everything in full in one comment; (2) one comment with every project section cut to a
/// fair share, when each share is still useful; (3) the summary table stays in the main comment and whole project
/// sections (each cut to at most a quarter of a comment) move, in project order, into continuation comments.
/// Lengths are counted in UTF-16 chars (string.Length), which is never less than a host's character count.
/// </para>
/// </summary>
public static class RunCommentRenderer
{
    /// <summary>
    /// The longest comment body rendered, on every host: the strictest host rejects longer bodies, and others (which
    /// allow far more) get comments split at the same size, which keeps them readable.
    /// </summary>
    public const int MaxCommentLength = 65_536;

    /// <summary>Below this a comment cannot hold the heading, table and footer in any useful form.</summary>
    public const int MinCommentLength = 1_000;

    /// <summary>A section cut below this many chars says too little; move sections to continuation comments instead.</summary>
    private const int MinUsefulSectionLength = 4_000;

    /// <summary>
    /// The comment bodies for one run: [0] is the main comment, further entries are continuation comments that exist
    /// only when the content does not fit. Every body starts with the marker line (see <see cref="TryParseMarker"/>)
    /// and is at most <paramref name="maxCommentLength"/> chars long.
    /// </summary>
    public static IReadOnlyList<string> Render(RunView run, int maxCommentLength = MaxCommentLength)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCommentLength, MinCommentLength);

        var collapseAll = run.Status == RunStatus.Superseded;
        var canAct = run.Status == RunStatus.Planned && !run.Merged;
        var sections = run.Projects
            .Select(p => ProjectSection.For(p, collapseAll, canAct))
            .OfType<ProjectSection>()
            .ToList();
        var footer = RunSummaryWriter.Footer(run);

        // (1) and (2): one comment.
        var header = RunSummaryWriter.MainHeader(run, maxCommentLength - footer.Length, split: false);
        var room = maxCommentLength - header.Length - footer.Length;
        var fullLengths = sections.Select(s => s.FullLength).ToArray();
        var shares = Budget.Share(fullLengths, room);
        var fitsInOne = true;
        for (var i = 0; i < sections.Count; i++)
        {
            var cut = shares[i] < fullLengths[i];
            if (cut && shares[i] < Math.Max(MinUsefulSectionLength, sections[i].FixedLength)) fitsInOne = false;
        }
        if (fitsInOne)
        {
            var sb = new StringBuilder(header, maxCommentLength);
            for (var i = 0; i < sections.Count; i++) sb.Append(sections[i].Render(shares[i]));
            return [sb.Append(footer).ToString()];
        }

        return Split(run, sections, footer, maxCommentLength);
    }

    /// <summary>True when <paramref name="body"/> starts with a TerraFlow run marker; gives the run and part it names.</summary>
    public static bool TryParseMarker(string body, out long runId, out int part) => CommentMarker.TryParse(body, out runId, out part);

    /// <summary>The reply to a <c>terraflow help</c> comment.</summary>
    public static string RenderHelp() => CommandHelpText.Help();

    /// <summary>The reply to an unknown or malformed <c>terraflow</c> command; includes the help.</summary>
    public static string RenderCommandError(string message) => CommandHelpText.CommandError(message);

    /// <summary>(3): the table in part 0, whole sections packed in order into as many parts as they need.</summary>
    private static List<string> Split(RunView run, List<ProjectSection> sections, string footer, int max)
    {
        var header = RunSummaryWriter.MainHeader(run, max - footer.Length, split: true);
        // Size continuation headers for the largest part number there could be, so the real ones are never longer.
        var maxParts = sections.Count + 1;
        var continuationRoom = max - RunSummaryWriter.ContinuationHeader(run, maxParts - 1, maxParts).Length;
        var cap = Math.Max(Math.Min(MinUsefulSectionLength, continuationRoom), continuationRoom / 4);

        var parts = new List<List<string>> { new() };
        var used = header.Length + footer.Length;
        var room = max;
        foreach (var section in sections)
        {
            var text = section.Render(Math.Min(section.FullLength, cap));
            if (text.Length == 0) continue;
            if (used + text.Length > room)
            {
                parts.Add([]);
                used = 0;
                room = continuationRoom;
            }
            parts[^1].Add(text);
            used += text.Length;
        }

        var bodies = new List<string>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var sb = new StringBuilder(max);
            sb.Append(i == 0 ? header : RunSummaryWriter.ContinuationHeader(run, i, parts.Count));
            foreach (var text in parts[i]) sb.Append(text);
            if (i == 0) sb.Append(footer);
            bodies.Add(sb.ToString());
        }
        return bodies;
    }
}
