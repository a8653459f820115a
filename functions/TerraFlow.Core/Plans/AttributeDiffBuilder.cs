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
/// single leaf whose content is never displayed, which keeps sensitive map keys as well as values out of the output.
/// Leaves of each side are sorted by path and merged, so key order in the JSON does not matter. One instance is
/// reused for every change of a plan, and unchanged attributes allocate nothing.
/// </summary>
internal sealed class AttributeDiffBuilder
{
    private struct Leaf
    {
        public int PathStart, PathLength, ValueStart, ValueLength;
        public bool Sensitive;
        /// <summary>The after value is unknown until apply (no value bytes).</summary>
        public bool Unknown;
        /// <summary>A sensitive after value with an unknown part: always reported, as known after apply.</summary>
        public bool Forced;
    }

    private readonly AttributePath _path = new();
    private readonly PathSet _afterUnknown = new();
    private readonly PathSet _beforeSensitive = new();
    private readonly PathSet _afterSensitive = new();
    private readonly List<Leaf> _before = [];
    private readonly List<Leaf> _after = [];
    private readonly List<AttributeDiff> _diffs = [];
    private char[] _paths = new char[1024];
    private int _pathsUsed;

    // Resources of one type share attribute names, so one string per distinct path serves the whole plan.
    private const int MaxCachedPaths = 16 * 1024;
    private readonly Dictionary<string, string> _pathStrings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _pathLookup;

    public AttributeDiffBuilder() => _pathLookup = _pathStrings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <param name="json">The bytes every range in <paramref name="ranges"/> points into.</param>
    public IReadOnlyList<AttributeDiff> Build(ReadOnlySpan<byte> json, in ChangeValueRanges ranges)
    {
        _before.Clear();
        _after.Clear();
        _diffs.Clear();
        _pathsUsed = 0;
        _afterUnknown.Load(json, ranges.AfterUnknown, _path);
        _beforeSensitive.Load(json, ranges.BeforeSensitive, _path);
        _afterSensitive.Load(json, ranges.AfterSensitive, _path);

        Walk(json, ranges.Before, _before, _beforeSensitive);
        Walk(json, ranges.After, _after, _afterSensitive);
        AddUnknownLeaves();

        var comparer = new LeafPathComparer(_paths);
        var before = CollectionsMarshal.AsSpan(_before);
        var after = CollectionsMarshal.AsSpan(_after);
        SortByPath(before, comparer);
        SortByPath(after, comparer);
        Merge(json, before, after, comparer);
        return _diffs.Count == 0 ? [] : _diffs.ToArray();
    }

    private void Walk(ReadOnlySpan<byte> json, ValueRange range, List<Leaf> leaves, PathSet sensitive)
    {
        if (!range.IsPresent)
        {
            return;
        }
        var reader = new Utf8JsonReader(json.Slice(range.Start, range.Length));
        reader.Read();
        _path.Truncate(0);
        WalkValue(ref reader, range.Start, leaves, sensitive, isAfter: ReferenceEquals(leaves, _after));
    }

    private void WalkValue(ref Utf8JsonReader reader, int baseOffset, List<Leaf> leaves, PathSet sensitiveSet, bool isAfter)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            return;
        }
        var path = _path.Span;
        bool unknown = _afterUnknown.Count != 0 && _afterUnknown.Contains(path);
        if (isAfter && unknown)
        {
            reader.TrySkip(); // AddUnknownLeaves reports it, whatever partial value `after` may hold
            return;
        }
        bool sensitive = sensitiveSet.Count != 0 && sensitiveSet.Contains(path);
        bool container = token is JsonTokenType.StartObject or JsonTokenType.StartArray;
        if (!container || sensitive || unknown)
        {
            int start = baseOffset + (int)reader.TokenStartIndex;
            reader.TrySkip();
            // A container kept whole (because `after` is unknown there) must stay masked if anything inside is secret.
            sensitive |= container && sensitiveSet.HasStrictDescendant(path);
            leaves.Add(new Leaf
            {
                PathStart = StorePath(path), PathLength = path.Length,
                ValueStart = start, ValueLength = baseOffset + (int)reader.BytesConsumed - start, Sensitive = sensitive,
            });
            return;
        }

        int length = _path.Length;
        if (token == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                _path.AppendProperty(ref reader);
                reader.Read();
                WalkValue(ref reader, baseOffset, leaves, sensitiveSet, isAfter);
                _path.Truncate(length);
            }
        }
        else
        {
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                _path.AppendIndex(index++);
                WalkValue(ref reader, baseOffset, leaves, sensitiveSet, isAfter);
                _path.Truncate(length);
            }
        }
    }

    /// <summary>Every after_unknown path becomes an after leaf; one inside a sensitive value reports that value instead.</summary>
    private void AddUnknownLeaves()
    {
        for (int i = 0; i < _afterUnknown.Count; i++)
        {
            var path = _afterUnknown[i];
            if (_afterSensitive.TryFindStrictAncestor(path, out int ancestor))
            {
                // Naming the unknown part could reveal a sensitive map key: report the sensitive ancestor.
                MarkForced(_afterSensitive[ancestor]);
                continue;
            }
            _after.Add(new Leaf
            {
                PathStart = StorePath(path), PathLength = path.Length,
                Sensitive = _afterSensitive.Contains(path), Unknown = true,
            });
        }
    }

    private void MarkForced(ReadOnlySpan<char> path)
    {
        var after = CollectionsMarshal.AsSpan(_after);
        for (int i = 0; i < after.Length; i++)
        {
            if (PathOf(after[i]).SequenceEqual(path))
            {
                after[i].Forced = true;
                return;
            }
        }
        _after.Add(new Leaf { PathStart = StorePath(path), PathLength = path.Length, Sensitive = true, Unknown = true });
    }

    private void Merge(ReadOnlySpan<byte> json, ReadOnlySpan<Leaf> before, ReadOnlySpan<Leaf> after, LeafPathComparer comparer)
    {
        int i = 0, j = 0;
        while (i < before.Length || j < after.Length)
        {
            int order = i >= before.Length ? 1 : j >= after.Length ? -1 : comparer.Compare(before[i], after[j]);
            if (order < 0)
            {
                AddDiff(json, before[i++], null);
            }
            else if (order > 0)
            {
                AddDiff(json, null, after[j++]);
            }
            else
            {
                var (b, a) = (before[i++], after[j++]);
                bool same = !a.Unknown && !a.Forced
                    && json.Slice(b.ValueStart, b.ValueLength).SequenceEqual(json.Slice(a.ValueStart, a.ValueLength));
                if (!same)
                {
                    AddDiff(json, b, a);
                }
            }
        }
    }

    private void AddDiff(ReadOnlySpan<byte> json, Leaf? before, Leaf? after)
    {
        var named = before ?? after!.Value;
        // Either side being secret hides both: showing the non-secret side would let readers infer the other.
        bool sensitive = before is { Sensitive: true } || after is { Sensitive: true };
        bool unknown = after is { Unknown: true } or { Forced: true };
        string? afterText = unknown ? ValueDisplay.KnownAfterApply : Display(json, after, sensitive);
        _diffs.Add(new AttributeDiff(PathString(PathOf(named)), Display(json, before, sensitive), afterText, sensitive, unknown));
    }

    private static string? Display(ReadOnlySpan<byte> json, Leaf? leaf, bool sensitive) => leaf switch
    {
        null => null,
        _ when sensitive => ValueDisplay.Sensitive,
        { } l => ValueDisplay.Render(json.Slice(l.ValueStart, l.ValueLength)),
    };

    private string PathString(ReadOnlySpan<char> path)
    {
        if (_pathLookup.TryGetValue(path, out var cached))
        {
            return cached;
        }
        string created = new(path);
        if (_pathStrings.Count < MaxCachedPaths)
        {
            _pathStrings.Add(created, created);
        }
        return created;
    }

    /// <summary>Terraform writes object keys in order already, so most leaf lists need no sorting at all.</summary>
    private static void SortByPath(Span<Leaf> leaves, LeafPathComparer comparer)
    {
        for (int i = 1; i < leaves.Length; i++)
        {
            if (comparer.Compare(leaves[i - 1], leaves[i]) > 0)
            {
                leaves.Sort(comparer);
                return;
            }
        }
    }

    private ReadOnlySpan<char> PathOf(in Leaf leaf) => _paths.AsSpan(leaf.PathStart, leaf.PathLength);

    private int StorePath(ReadOnlySpan<char> path)
    {
        if (_pathsUsed + path.Length > _paths.Length)
        {
            Array.Resize(ref _paths, Math.Max(_paths.Length * 2, _pathsUsed + path.Length));
        }
        int start = _pathsUsed;
        path.CopyTo(_paths.AsSpan(start));
        _pathsUsed += path.Length;
        return start;
    }

    private readonly struct LeafPathComparer(char[] paths) : IComparer<Leaf>
    {
        public int Compare(Leaf x, Leaf y) =>
            paths.AsSpan(x.PathStart, x.PathLength).SequenceCompareTo(paths.AsSpan(y.PathStart, y.PathLength));
    }
}
