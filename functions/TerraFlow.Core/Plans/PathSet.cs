using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// The paths marked <c>true</c> in one of Terraform's marker trees (<c>after_unknown</c>, <c>before_sensitive</c>,
/// <c>after_sensitive</c>). Each tree mirrors the shape of the value it describes; <c>true</c> marks that node and
/// everything below it, so a bare <c>true</c> at the top marks the whole value (path "").
/// Reloaded for every change; marker trees hold a handful of paths, so lookups are plain scans, which beat hashing.
/// </summary>
internal sealed class PathSet
{
    private readonly List<(int Start, int Length)> _paths = [];
    private char[] _chars = new char[256];
    private int _used;

    public int Count => _paths.Count;

    public ReadOnlySpan<char> this[int index] => _chars.AsSpan(_paths[index].Start, _paths[index].Length);

    /// <summary>Replaces the content with the marker tree at <paramref name="range"/> (absent marks nothing).</summary>
    public void Load(ReadOnlySpan<byte> json, ValueRange range, AttributePath scratch)
    {
        _paths.Clear();
        _used = 0;
        // The common markers are `false` and `{}`. (Five bytes or fewer is a literal or an empty container.)
        if (!range.IsPresent || (range.Length <= 5 && json[range.Start] != (byte)'t'))
        {
            return;
        }
        var reader = new Utf8JsonReader(json.Slice(range.Start, range.Length));
        reader.Read();
        scratch.Truncate(0);
        Collect(ref reader, scratch);
    }

    public bool Contains(ReadOnlySpan<char> path)
    {
        for (int i = 0; i < _paths.Count; i++)
        {
            if (this[i].SequenceEqual(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when some marked path lies strictly inside <paramref name="path"/>.</summary>
    public bool HasStrictDescendant(ReadOnlySpan<char> path)
    {
        for (int i = 0; i < _paths.Count; i++)
        {
            if (AttributePath.IsStrictDescendant(this[i], path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Finds a marked path that strictly contains <paramref name="path"/>.</summary>
    public bool TryFindStrictAncestor(ReadOnlySpan<char> path, out int index)
    {
        for (index = 0; index < _paths.Count; index++)
        {
            if (AttributePath.IsStrictDescendant(path, this[index]))
            {
                return true;
            }
        }
        return false;
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

    private void Add(ReadOnlySpan<char> path)
    {
        if (_used + path.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + path.Length));
        }
        path.CopyTo(_chars.AsSpan(_used));
        _paths.Add((_used, path.Length));
        _used += path.Length;
    }

    private void Collect(ref Utf8JsonReader reader, AttributePath path)
    {
        int length = path.Length;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                Add(path.Span);
                break;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    path.AppendProperty(ref reader);
                    reader.Read();
                    Collect(ref reader, path);
                    path.Truncate(length);
                }
                break;
            case JsonTokenType.StartArray:
                int index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    path.AppendIndex(index++);
                    Collect(ref reader, path);
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
