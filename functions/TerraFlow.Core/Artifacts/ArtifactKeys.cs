namespace TerraFlow.Core.Artifacts;

/// <summary>
/// The one definition of a valid artifact key, shared by every store so that a key that works locally also works
/// in Azure Blob Storage (and cannot escape a local root folder): 1–1024 characters, '/'-separated, no empty,
/// "." or ".." segment (so no leading or trailing '/', i.e. never absolute), no backslash, no control characters.
/// </summary>
public static class ArtifactKeys
{
    /// <summary>Azure's limit on blob names; keeping it everywhere keeps the stores interchangeable.</summary>
    public const int MaxLength = 1024;

    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || !HasOnlyAllowedCharacters(key))
        {
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == ".." || string.IsNullOrWhiteSpace(segment))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for an invalid key.</summary>
    public static void Validate(string? key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"Invalid artifact key '{key}': use 1-{MaxLength} characters of '/'-separated, non-empty segments without '.', '..', '\\' or control characters.", nameof(key));
        }
    }

    /// <summary>
    /// A listing prefix is "" or the start of a valid key: it may end with '/' or in the middle of a segment
    /// ("runs/1" matches "runs/1/..." and "runs/12/..."), but may not start with '/' or contain "..".
    /// </summary>
    public static void ValidatePrefix(string? prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return;
        }

        var trimmed = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (!IsValid(trimmed))
        {
            throw new ArgumentException($"Invalid artifact key prefix '{prefix}'.", nameof(prefix));
        }
    }

    /// <summary>
    /// Key of the full masked log of one apply attempt, next to the plan artifacts of the same run and project:
    /// <c>runs/{runId}/{project}/{jobId}-{attempt}/apply-log.txt</c> (the project name made key-safe).
    /// </summary>
    public static string ApplyLog(long runId, string project, long jobId, int attempt)
    {
        var safe = new string(project.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).Trim('.');
        return $"runs/{runId}/{(safe.Length == 0 ? "project" : safe)}/{jobId}-{attempt}/apply-log.txt";
    }

    private static bool HasOnlyAllowedCharacters(string key)
    {
        foreach (var c in key)
        {
            if (c == '\\' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
