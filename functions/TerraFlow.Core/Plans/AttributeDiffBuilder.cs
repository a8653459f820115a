using System.Runtime.InteropServices;
using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>The positions of the parts of a <c>change</c> object that attribute diffs are computed from.</summary>
internal struct ChangeValueRanges
{
    public ValueRange Before;
    public ValueRange After;
    public ValueRange AfterUnknown;
    public ValueRange BeforeSensitive;
    public ValueRange AfterSensitive;
}

/// <summary>
/// Computes the attribute-level differences between <c>change.before</c> and <c>change.after</c>.
/// Both values are flattened to leaves (see <see cref="AttributePath"/> for the path syntax); null, absent and empty
/// containers all count as "no value", so only real differences show. A node marked sensitive or unknown is kept as a
/// single leaf (its content is never looked at for display), which is what keeps sensitive map keys and values out of
/// the output. One instance is reused for every change of a plan to keep allocations to the diffs themselves.
/// </summary>
internal sealed class AttributeDiffBuilder
{
    private struct Leaf(int start, int length, bool sensitive)
    {
        public readonly int Start = start;
        public readonly int Length = length;
        public readonly bool Sensitive = sensitive;
        public bool Matched;
    }

    private readonly AttributePath _path = new();
    private readonly Dictionary<string, Leaf> _before = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Leaf>.AlternateLookup<ReadOnlySpan<char>> _beforeLookup;
    private readonly HashSet<string> _forcedUnknown = new(StringComparer.Ordinal);
    private readonly List<AttributeDiff> _diffs = [];
    private PathSet _afterUnknown = PathSet.Empty;
    private PathSet _beforeSensitive = PathSet.Empty;
    private PathSet _afterSensitive = PathSet.Empty;

    public AttributeDiffBuilder() => _beforeLookup = _before.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <param name="json">The bytes every range in <paramref name="ranges"/> points into.</param>
    public IReadOnlyList<AttributeDiff> Build(ReadOnlySpan<byte> json, in ChangeValueRanges ranges)
    {
        _before.Clear();
        _forcedUnknown.Clear();
        _diffs.Clear();
        _afterUnknown = PathSet.Read(json, ranges.AfterUnknown, _path);
        _beforeSensitive = PathSet.Read(json, ranges.BeforeSensitive, _path);
        _afterSensitive = PathSet.Read(json, ranges.AfterSensitive, _path);

        // An unknown part inside a sensitive value must not reveal its path; the sensitive value is reported instead.
        foreach (var unknown in _afterUnknown.Paths)
        {
            if (_afterSensitive.TryFindStrictAncestor(unknown, out var ancestor))
            {
                _forcedUnknown.Add(ancestor);
            }
        }

        Walk(json, ranges.Before, isAfter: false);
        Walk(json, ranges.After, isAfter: true);
        AddUnknownDiffs(json);
        AddRemovedDiffs(json);

        if (_diffs.Count == 0)
        {
            return [];
        }
        _diffs.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return _diffs.ToArray();
    }

    private void Walk(ReadOnlySpan<byte> json, ValueRange range, bool isAfter)
    {
        if (!range.IsPresent)
        {
            return;
        }
        var reader = new Utf8JsonReader(json.Slice(range.Start, range.Length));
        reader.Read();
        _path.Truncate(0);
        WalkValue(ref reader, json, range.Start, isAfter);
    }

    private void WalkValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int baseOffset, bool isAfter)
    {
        var path = _path.Span;
        var sensitiveSet = isAfter ? _afterSensitive : _beforeSensitive;
        bool sensitive = sensitiveSet.Contains(path);
        bool unknown = _afterUnknown.Contains(path);
        if (isAfter && unknown)
        {
            reader.TrySkip(); // reported by AddUnknownDiffs, whatever partial value `after` may hold
            return;
        }

        var token = reader.TokenType;
        bool container = token is JsonTokenType.StartObject or JsonTokenType.StartArray;
        if (token == JsonTokenType.Null)
        {
            return;
        }
        if (!container || sensitive || unknown)
        {
            int start = baseOffset + (int)reader.TokenStartIndex;
            reader.TrySkip();
            int end = baseOffset + (int)reader.BytesConsumed;
            // A container kept whole (because `after` is unknown there) must stay masked if anything inside is secret.
            sensitive |= container && sensitiveSet.HasStrictDescendant(path);
            AddLeaf(json, new Leaf(start, end - start, sensitive), isAfter);
            return;
        }

        int length = _path.Length;
        if (token == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                _path.AppendProperty(ref reader);
                reader.Read();
                WalkValue(ref reader, json, baseOffset, isAfter);
                _path.Truncate(length);
            }
        }
        else
        {
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                _path.AppendIndex(index++);
                WalkValue(ref reader, json, baseOffset, isAfter);
                _path.Truncate(length);
            }
        }
    }

    private void AddLeaf(ReadOnlySpan<byte> json, Leaf leaf, bool isAfter)
    {
        if (!isAfter)
        {
            _before[_path.ToString()] = leaf;
            return;
        }

        bool forced = _forcedUnknown.Count != 0 && _forcedUnknown.Remove(_path.ToString());
        ref var before = ref CollectionsMarshal.GetValueRefOrNullRef(_beforeLookup, _path.Span);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref before))
        {
            before.Matched = true;
            if (!forced && json.Slice(before.Start, before.Length).SequenceEqual(json.Slice(leaf.Start, leaf.Length)))
            {
                return;
            }
            _diffs.Add(MakeDiff(json, _path.ToString(), before, leaf, forced));
            return;
        }
        _diffs.Add(MakeDiff(json, _path.ToString(), null, leaf, forced));
    }

    private void AddUnknownDiffs(ReadOnlySpan<byte> json)
    {
        foreach (var path in _afterUnknown.Paths)
        {
            if (_afterSensitive.TryFindStrictAncestor(path, out _))
            {
                continue; // folded into the sensitive ancestor (see _forcedUnknown)
            }
            Leaf? before = null;
            if (_beforeLookup.TryGetValue(path, out var found))
            {
                before = found;
                CollectionsMarshal.GetValueRefOrNullRef(_before, path).Matched = true;
            }
            bool sensitive = _afterSensitive.Contains(path) || before is { Sensitive: true };
            _diffs.Add(new AttributeDiff(path, Display(json, before, sensitive), ValueDisplay.KnownAfterApply,
                sensitive, KnownAfterApply: true));
        }
        // A sensitive value that is unknown and absent from `after` altogether.
        foreach (var path in _forcedUnknown)
        {
            Leaf? before = null;
            if (_before.TryGetValue(path, out var found))
            {
                before = found;
                CollectionsMarshal.GetValueRefOrNullRef(_before, path).Matched = true;
            }
            _diffs.Add(new AttributeDiff(path, Display(json, before, true), ValueDisplay.KnownAfterApply, true, true));
        }
    }

    private void AddRemovedDiffs(ReadOnlySpan<byte> json)
    {
        foreach (var (path, leaf) in _before)
        {
            if (!leaf.Matched)
            {
                _diffs.Add(new AttributeDiff(path, Display(json, leaf, leaf.Sensitive), null, leaf.Sensitive, false));
            }
        }
    }

    private static AttributeDiff MakeDiff(ReadOnlySpan<byte> json, string path, Leaf? before, Leaf after, bool forced)
    {
        // Either side being secret hides both: showing the non-secret side would let readers infer the other.
        bool sensitive = after.Sensitive || before is { Sensitive: true };
        string afterText = forced ? ValueDisplay.KnownAfterApply : Display(json, after, sensitive)!;
        return new AttributeDiff(path, Display(json, before, sensitive), afterText, sensitive, forced);
    }

    private static string? Display(ReadOnlySpan<byte> json, Leaf? leaf, bool sensitive) => leaf switch
    {
        null => null,
        _ when sensitive => ValueDisplay.Sensitive,
        { } l => ValueDisplay.Render(json.Slice(l.Start, l.Length)),
    };
}
