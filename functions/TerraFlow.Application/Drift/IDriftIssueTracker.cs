using TerraFlow.Core.Drift;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Drift;

/// <summary>An issue on a VCS host as the drift reporter sees it. <paramref name="Author"/> is the host's login of who opened it.</summary>
public sealed record TrackedIssue(long Number, bool Open, string Title, string Body, string Author, IReadOnlyList<string> Labels);

/// <summary>
/// A VCS host's issues, as drift reporting uses them (GitHub issues, GitLab issues). Implementations send every
/// request that creates or changes content through the host's <see cref="ContentRequestLimiter"/>.
/// </summary>
public interface IDriftIssueTracker
{
    /// <summary>The provider name this tracker serves ("github", "gitlab"), as <see cref="Core.Catalog.Repository.Provider"/> says it.</summary>
    string Provider { get; }

    /// <summary>The issue, or null when it no longer exists (deleted, 404/410).</summary>
    Task<TrackedIssue?> GetAsync(RepoRef repo, long number, CancellationToken ct);

    /// <summary>Every issue (open and closed, newest first) carrying <paramref name="label"/>; pull requests left out.</summary>
    Task<IReadOnlyList<TrackedIssue>> ListByLabelAsync(RepoRef repo, string label, CancellationToken ct);

    Task<TrackedIssue> CreateAsync(RepoRef repo, DriftIssueDocument document, CancellationToken ct);

    /// <summary>Sets title, body and labels, and opens or closes the issue, in one request.</summary>
    Task UpdateAsync(RepoRef repo, long number, DriftIssueDocument document, bool open, CancellationToken ct);

    /// <summary>The bodies of the issue's comments by <paramref name="author"/> (oldest first).</summary>
    Task<IReadOnlyList<string>> ListCommentBodiesAsync(RepoRef repo, long number, string? author, CancellationToken ct);

    Task CommentAsync(RepoRef repo, long number, string body, CancellationToken ct);

    /// <summary>The login TerraFlow writes as on this host: only issues it opened are ever edited or closed.</summary>
    Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct);
}
