namespace TerraFlow.Core.Projects;

/// <summary>
/// An <see cref="IRepositorySnapshot"/> over a path → content map. Used by tests and benchmarks, and by callers that
/// already hold the files of a commit in memory (e.g. fetched through a VCS API).
/// </summary>
public sealed class InMemoryRepositorySnapshot : IRepositorySnapshot
{
    private readonly Dictionary<string, string> _files;

    public InMemoryRepositorySnapshot(IEnumerable<KeyValuePair<string, string>> files)
    {
        _files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in files) _files[RepoPath.Normalize(path)] = text;
        Files = _files.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public InMemoryRepositorySnapshot(params (string Path, string Text)[] files)
        : this(files.Select(f => KeyValuePair.Create(f.Path, f.Text)))
    {
    }

    public IReadOnlyList<string> Files { get; }

    public string ReadAllText(string path) =>
        _files.TryGetValue(path, out var text) ? text : throw new FileNotFoundException($"'{path}' is not in the snapshot", path);
}
