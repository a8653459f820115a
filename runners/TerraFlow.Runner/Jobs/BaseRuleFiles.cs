using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.Projects;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// The base commit's rule files: <c>.terraflow.yml</c> (its rule keys; or <c>atlantis.yaml</c>) and CODEOWNERS. Read from git objects of the
/// base commit, never from the head checkout, so a pull request cannot change the rules it is judged by.
/// </summary>
internal static class BaseRuleFiles
{
    /// <summary>Larger configuration files are refused (a real one is a few kilobytes).</summary>
    public const long MaxConfigBytes = 1024 * 1024;

    /// <summary>
    /// The base's configuration: (null, null) when it has none, else the config or the first problem in it. The file is
    /// chosen as at the head (<see cref="RepositoryConfigFiles"/>): <c>.terraflow.yml</c>, else <c>atlantis.yaml</c>,
    /// whose projects carry TerraFlow's default rules.
    /// </summary>
    public static async Task<(RepoConfig? Config, ConfigError? Error)> ReadConfigAsync(CommitFiles files, CancellationToken ct)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in RepositoryConfigFiles.AllNames)
        {
            string? text;
            try
            {
                text = await files.ReadTextAsync(name, MaxConfigBytes, ct);
            }
            catch (WorkspaceException ex)
            {
                return (null, BaseError(files, name, null, null, ex.Message));
            }
            if (text is not null) found[name] = text;
        }
        var (chosen, choiceError, _) = RepositoryConfigFiles.Choose(found.Keys);
        if (choiceError is not null)
            return (null, BaseError(files, choiceError.File, null, null, choiceError.Message));
        if (chosen is null) return (null, null);

        var parsed = RepositoryConfigFiles.Parse(chosen, found[chosen]);
        return parsed.IsSuccess
            ? (parsed.Config, null)
            : (null, BaseError(files, parsed.Error.File, parsed.Error.Line, parsed.Error.Column, parsed.Error.Message));
    }

    /// <summary>
    /// The base commit's CODEOWNERS (the first of the host's <paramref name="locations"/>), or null when there is none. Never fails
    /// discovery for bad lines (the parser skips them), and a symlink or an oversized file counts as no file, with a
    /// warning; a file beyond the parser's bounds (rule count, pattern length) comes back as <c>Refused</c>, a
    /// configuration error for the pull request's comment.
    /// </summary>
    public static async Task<(CodeOwnersFile? File, ConfigError? Refused)> ReadCodeOwnersAsync(CommitFiles files, IReadOnlyList<string> locations, long runId, ILogger logger, CancellationToken ct)
    {
        foreach (var relative in locations)
        {
            string? text;
            try
            {
                text = await files.ReadTextAsync(relative, CodeOwnersFile.MaxBytes, ct);
            }
            catch (WorkspaceException ex)
            {
                logger.LogWarning("Run {RunId}: ignoring the base commit's {Path}: {Reason}", runId, relative, ex.Message);
                return (null, null);
            }
            if (text is null) continue;
            var file = CodeOwnersFile.Parse(text, ct);
            if (file.LimitError is { } limit)
                return (file, BaseError(files, relative, limit.Line, null, limit.Message));
            foreach (var problem in file.Problems)
                logger.LogInformation("Run {RunId}: {Path} line {Line} skipped: {Problem}", runId, relative, problem.Line, problem.Message);
            return (file, null);
        }
        return (null, null);
    }

    // The pull request cannot fix these: the rules it is judged by are the base branch's, so the message says where.
    private static ConfigError BaseError(CommitFiles files, string file, int? line, int? column, string message) =>
        new(file, line, column, $"{message} (in the base branch's configuration at {Short(files.Commit)}; rules are read from the base branch, so fix it there)");

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
