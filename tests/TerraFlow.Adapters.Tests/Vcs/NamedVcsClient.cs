using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs;

/// <summary>An <see cref="IVcsClient"/> that only says who it is, so tests can tell which client a registry chose.</summary>
internal sealed class NamedVcsClient(string name) : IVcsClient
{
    public string Name { get; } = name;

    public Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct) => throw new NotSupportedException(Name);
    public Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct) => throw new NotSupportedException(Name);

    public Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct) => Task.FromResult<string?>("token-of-" + Name);
}
