namespace TerraFlow.Core.Projects;

/// <summary>
/// An <see cref="IRepositorySnapshot"/> would not read a file of the pull request: a symlink leaving the checkout, not a
/// regular file, or larger than TerraFlow reads. Discovery reports it as a configuration error naming
/// <see cref="Path"/> and <see cref="Reason"/>; the message never contains any of the file's content.
/// </summary>
public sealed class RepositoryFileRefusedException(string path, string reason)
    : IOException($"{path}: {reason}")
{
    /// <summary>Repository-relative path of the refused file.</summary>
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
