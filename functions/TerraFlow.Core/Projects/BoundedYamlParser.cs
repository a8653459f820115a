using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TerraFlow.Core.Projects;

/// <summary>
/// Limits on the YAML of <c>.terraflow.yml</c>, far above what a real file needs (1,000 projects take about
/// 5,000 nodes and a depth of 6) and low enough that a refusal comes within a fraction of a second.
/// </summary>
public static class YamlLimits
{
    /// <summary>Largest file parsed, in UTF-8 bytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Deepest nesting of lists and mappings, aliases counted as the nodes they stand for.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes, every alias counted as a full copy of what it refers to (so alias bombs cannot hide).</summary>
    public const int MaxNodes = 50_000;
}

/// <summary>
/// Passes YamlDotNet's parsing events through to the representation model while enforcing <see cref="YamlLimits"/>,
/// so an oversized or pathological document is refused before the model is built. Keys must be plain scalars
/// (the schema has no other kind): a mapping, list or alias to one as a key is refused on the spot, because
/// YamlDotNet hashes and compares keys recursively, and ten nested <c>? *a9</c> keys (551 bytes) took minutes.
/// Every refusal is a <see cref="ConfigProblemException"/> at the offending node.
/// </summary>
internal sealed class BoundedYamlParser(IParser inner) : IParser
{
    private readonly Stack<Frame> _open = new();
    private readonly Dictionary<string, Size> _anchors = new(StringComparer.Ordinal);
    private long _nodes;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case Scalar scalar:
                TakeKeyPosition(scalar, nonScalarKind: null);
                Add(scalar, new Size(1, 1, IsScalar: true), scalar.Anchor);
                break;
            case AnchorAlias alias:
                Alias(alias);
                break;
            case SequenceStart start:
                Open(start, start.Anchor, isMapping: false);
                break;
            case MappingStart start:
                Open(start, start.Anchor, isMapping: true);
                break;
            case SequenceEnd or MappingEnd:
                Close();
                break;
        }
        return true;
    }

    private void Open(NodeEvent start, AnchorName anchor, bool isMapping)
    {
        TakeKeyPosition(start, isMapping ? "a mapping" : "a list");
        if (_open.Count + 1 > YamlLimits.MaxDepth)
            throw new ConfigProblemException(start.Start, $"the YAML is nested deeper than {YamlLimits.MaxDepth} levels");
        Count(start, 1);
        _open.Push(new Frame(start, anchor, isMapping));
    }

    private void Close()
    {
        var frame = _open.Pop();
        Add(frame.Start, new Size(frame.Nodes + 1, frame.Height + 1, IsScalar: false), frame.Anchor, counted: true);
    }

    private void Alias(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (_open.Any(f => !f.Anchor.IsEmpty && f.Anchor.Value == name))
            throw new ConfigProblemException(alias.Start, $"alias '*{name}' refers to a node that contains it");
        if (!_anchors.TryGetValue(name, out var size))
        {
            // YamlDotNet reports an unknown alias itself, with its position.
            TakeKeyPosition(alias, nonScalarKind: null);
            return;
        }
        TakeKeyPosition(alias, !size.IsScalar ? $"the alias '*{name}' of a mapping or list" : null);
        if (_open.Count + size.Height > YamlLimits.MaxDepth + 1)
            throw new ConfigProblemException(alias.Start, $"the YAML is nested deeper than {YamlLimits.MaxDepth} levels (through alias '*{name}')");
        Count(alias, size.Nodes, name);
        Add(alias, size, AnchorName.Empty, counted: true);
    }

    // Records a finished node in its parent (and under its anchor); scalars are counted here, collections at Open.
    private void Add(ParsingEvent at, Size size, AnchorName anchor, bool counted = false)
    {
        if (!counted) Count(at, 1);
        if (!anchor.IsEmpty) _anchors[anchor.Value] = size;
        if (_open.TryPeek(out var parent))
        {
            parent.Nodes += size.Nodes;
            parent.Height = Math.Max(parent.Height, size.Height);
        }
    }

    private void Count(ParsingEvent at, long nodes, string? alias = null)
    {
        _nodes += nodes;
        if (_nodes > YamlLimits.MaxNodes)
            throw new ConfigProblemException(at.Start, alias is null
                ? $"the YAML has more than {YamlLimits.MaxNodes:N0} nodes"
                : $"the YAML has more than {YamlLimits.MaxNodes:N0} nodes once alias '*{alias}' is expanded (aliases count as copies)");
    }

    // Inside a mapping, nodes alternate key, value. A key that is not a plain scalar is refused before YamlDotNet
    // builds (and hashes) it.
    private void TakeKeyPosition(ParsingEvent at, string? nonScalarKind)
    {
        if (!_open.TryPeek(out var parent) || !parent.IsMapping) return;
        var isKey = parent.ExpectingKey;
        parent.ExpectingKey = !isKey;
        if (isKey && nonScalarKind is not null)
            throw new ConfigProblemException(at.Start, $"keys must be plain names, found {nonScalarKind} as a key");
    }

    private readonly record struct Size(long Nodes, int Height, bool IsScalar);

    private sealed class Frame(ParsingEvent start, AnchorName anchor, bool isMapping)
    {
        public ParsingEvent Start { get; } = start;

        public AnchorName Anchor { get; } = anchor;

        public bool IsMapping { get; } = isMapping;

        public bool ExpectingKey { get; set; } = true;

        public long Nodes { get; set; }

        public int Height { get; set; }
    }
}
