using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Artifacts;

/// <summary>
/// The embedded artifact store: one file per key under a root folder. Writes go to a temporary file first and are
/// renamed into place, so a reader never sees half an artifact and a crash never leaves one.
/// </summary>
public sealed class LocalFolderArtifactStore : IArtifactStore
{
    private readonly string _root;

    public LocalFolderArtifactStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task PutAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await content.CopyToAsync(file, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        Stream? stream = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
        return Task.FromResult(stream);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        File.Delete(PathFor(key));
        return Task.CompletedTask;
    }

    /// <summary>Maps a key to a path inside the root; keys that try to leave it (.., absolute) are refused.</summary>
    private string PathFor(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains('\\') || key.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"Invalid artifact key '{key}'.", nameof(key));
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Invalid artifact key '{key}'.", nameof(key));
        return path;
    }
}
