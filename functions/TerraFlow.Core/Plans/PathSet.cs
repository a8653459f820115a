using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// The paths marked <c>true</c> in one of Terraform's marker trees (<c>after_unknown</c>, <c>before_sensitive</c>,
/// <c>after_sensitive</c>). Each tree mirrors the shape of the value it describes; <c>true</c> marks that node and
/// everything below it, so a bare <c>true</c> at the top marks the whole value (path "").
/// </summary>
internal sealed class PathSet
{
    public static readonly PathSet Empty = new(new HashSet<string>(StringComparer.Ordinal));

    private readonly HashSet<string> _paths;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private PathSet(HashSet<string> paths)
    {
        _paths = paths;
        _lookup = paths.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool IsEmpty => _paths.Count == 0;

    public IEnumerable<string> Paths => _paths;

    public bool Contains(ReadOnlySpan<char> path) => _paths.Count != 0 && _lookup.Contains(path);

    /// <summary>True when some marked path lies strictly inside <paramref name="path"/>.</summary>
    public bool HasStrictDescendant(ReadOnlySpan<char> path)
    {
        foreach (var p in _paths)
        {
            if (AttributePath.IsStrictDescendant(p, path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Finds a marked path that strictly contains <paramref name="path"/>.</summary>
    public bool TryFindStrictAncestor(string path, out string ancestor)
    {
        foreach (var p in _paths)
        {
            if (AttributePath.IsStrictDescendant(path, p))
            {
                ancestor = p;
                return true;
            }
        }
        ancestor = "";
        return false;
    }

    /// <summary>Reads a marker tree; <paramref name="range"/> may be absent, which marks nothing.</summary>
    public static PathSet Read(ReadOnlySpan<byte> json, ValueRange range, AttributePath scratch)
    {
        // The common markers are `false` and `{}`: answer those without allocating anything.
        // (Anything of five bytes or fewer is a literal or an empty container: only `true` marks something.)
        if (!range.IsPresent)
        {
            return Empty;
        }
        if (range.Length <= 5)
        {
            return json[range.Start] == (byte)'t' ? FromSingle("") : Empty;
        }
        var reader = new Utf8JsonReader(json.Slice(range.Start, range.Length));
        reader.Read();
        HashSet<string>? found = null;
        scratch.Truncate(0);
        Collect(ref reader, scratch, ref found);
        return found is null ? Empty : new PathSet(found);
    }

    /// <summary>True when the marker tree marks anything at all (used for outputs, which are masked whole).</summary>
    public static bool MarksAnything(ReadOnlySpan<byte> json, ValueRange range)
    {
        if (!range.IsPresent)
        {
            return false;
        }
        var reader = new Utf8JsonReader(json.Slice(range.Start, range.Length));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.True)
            {
                return true;
            }
        }
        return false;
    }

    private static PathSet FromSingle(string path) => new(new HashSet<string>(StringComparer.Ordinal) { path });

    private static void Collect(ref Utf8JsonReader reader, AttributePath path, ref HashSet<string>? found)
    {
        int length = path.Length;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                (found ??= new HashSet<string>(StringComparer.Ordinal)).Add(path.ToString());
                break;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    path.AppendProperty(ref reader);
                    reader.Read();
                    Collect(ref reader, path, ref found);
                    path.Truncate(length);
                }
                break;
            case JsonTokenType.StartArray:
                int index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    path.AppendIndex(index++);
                    Collect(ref reader, path, ref found);
                    path.Truncate(length);
                }
                break;
        }
    }
}

/// <summary>Where one JSON value sits in the bytes being read; Length 0 means the property was absent.</summary>
internal readonly record struct ValueRange(int Start, int Length)
{
    public bool IsPresent => Length > 0;
}
