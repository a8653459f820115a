using System.Text;

namespace TerraFlow.Core.Comments;

/// <summary>
/// One block of a project section (a change list, the plan text, an error) rendered in full once, with the offsets
/// where it may be cut. Cutting later is then a binary search, not a re-render: that keeps a 10,000-change plan fast.
/// A cut keeps whole items (a resource with its attributes, a line of plan text), closes what the head opened (the
/// code fence) and says what was left out.
/// </summary>
internal sealed class TruncatableBlock
{
    private readonly string _head;
    private readonly string _body;
    private readonly int[] _itemEnds;
    private readonly string _tail;
    private readonly Func<int, string> _omittedNote;
    private readonly bool _keepEnd;

    private TruncatableBlock(string head, string body, int[] itemEnds, string tail, Func<int, string> omittedNote, bool keepEnd)
    {
        _keepEnd = keepEnd;
        _head = head;
        _body = body;
        _itemEnds = itemEnds;
        _tail = tail;
        _omittedNote = omittedNote;
    }

    public int FullLength => _head.Length + _body.Length + _tail.Length;

    public int ItemCount => _itemEnds.Length;

    /// <summary>Writes the block, or as much of it as fits, using at most <paramref name="budget"/> chars.</summary>
    public void WriteTo(StringBuilder sb, int budget)
    {
        if (FullLength <= budget)
        {
            sb.Append(_head).Append(_body).Append(_tail);
            return;
        }
        var n = _itemEnds.Length;
        // Largest number of items k < n whose prefix, closing tail and note fit. Cost grows with k (every item is at
        // least one char) except that the note may shrink by a digit, so search, then step down until it really fits.
        int lo = 0, hi = n - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Cost(mid) <= budget) lo = mid; else hi = mid - 1;
        }
        var k = lo;
        while (k > 0 && Cost(k) > budget) k--;
        if (k > 0)
        {
            if (_keepEnd)
            {
                var start = ItemStart(n - k);
                sb.Append(_head).Append(_body, start, _body.Length - start).Append(_tail).Append(_omittedNote(n - k));
            }
            else
            {
                sb.Append(_head).Append(_body, 0, _itemEnds[k - 1]).Append(_tail).Append(_omittedNote(n - k));
            }
            return;
        }
        // Not even one item fits: the note alone still tells the reader where to look.
        var note = _omittedNote(n);
        if (note.Length <= budget) sb.Append(note);
    }

    private int Cost(int k) =>
        _head.Length + KeptLength(k) + _tail.Length + _omittedNote(_itemEnds.Length - k).Length;

    /// <summary>Chars of body kept when <paramref name="k"/> items are kept (the first k, or the last k with keepEnd).</summary>
    private int KeptLength(int k)
    {
        if (k == 0) return 0;
        return _keepEnd ? _body.Length - ItemStart(_itemEnds.Length - k) : _itemEnds[k - 1];
    }

    private int ItemStart(int index) => index == 0 ? 0 : _itemEnds[index - 1];

    /// <summary>Collects the body item by item; text appended before <see cref="EndItem"/> belongs to the next item.</summary>
    /// <param name="keepEnd">A cut keeps the last items instead of the first (for output whose end matters most).</param>
    public sealed class Builder(string head, string tail, Func<int, string> omittedNote, bool keepEnd = false)
    {
        private readonly List<int> _itemEnds = [];

        public StringBuilder Body { get; } = new();

        public int ItemCount => _itemEnds.Count;

        public void EndItem() => _itemEnds.Add(Body.Length);

        public TruncatableBlock Build() => new(head, Body.ToString(), [.. _itemEnds], tail, omittedNote, keepEnd);
    }
}
