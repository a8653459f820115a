using System.Collections.Concurrent;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Integration.Tests.Providers;

/// <summary>
/// A simple in-memory VCS host registered under a provider name: serves the pull requests a test adds, keeps
/// comments and statuses, and records every call, so a test can prove which provider's client did the work.
/// </summary>
internal sealed class RecordingVcsClient : IVcsClient
{
    private readonly ConcurrentDictionary<(string Repo, int Number), PullRequestInfo> _pullRequests = new();
    private readonly ConcurrentDictionary<long, (string Repo, int Number, string Body)> _comments = new();
    private readonly ConcurrentQueue<(string Sha, CommitStatus Status)> _statuses = new();
    private readonly ConcurrentQueue<string> _calls = new();
    private long _nextCommentId = 1000;

    public IReadOnlyList<string> Calls => _calls.ToArray();

    public IReadOnlyList<(string Sha, CommitStatus Status)> Statuses => _statuses.ToArray();

    public IReadOnlyList<string> CommentBodies(RepoRef repo, int number) =>
        _comments.OrderBy(c => c.Key).Where(c => c.Value.Repo == repo.FullName && c.Value.Number == number).Select(c => c.Value.Body).ToList();

    public void AddPullRequest(PullRequestInfo pr) => _pullRequests[(pr.Repo.FullName, pr.Number)] = pr;

    public Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct)
    {
        _calls.Enqueue($"get_pr {repo}#{number}");
        return _pullRequests.TryGetValue((repo.FullName, number), out var pr)
            ? Task.FromResult(pr)
            : throw new VcsPermanentException($"no pull request {repo}#{number}", 404);
    }

    public Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct)
    {
        _calls.Enqueue($"list_comments {repo}#{number}");
        IReadOnlyList<PullRequestComment> list = _comments.OrderBy(c => c.Key)
            .Where(c => c.Value.Repo == repo.FullName && c.Value.Number == number)
            .Select(c => new PullRequestComment(c.Key, "terraflow-bot", c.Value.Body)).ToList();
        return Task.FromResult(list);
    }

    public Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct)
    {
        _calls.Enqueue($"create_comment {repo}#{number}");
        var id = Interlocked.Increment(ref _nextCommentId);
        _comments[id] = (repo.FullName, number, body);
        return Task.FromResult(id);
    }

    public Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct)
    {
        _calls.Enqueue($"update_comment {repo} {commentId}");
        if (!_comments.TryGetValue(commentId, out var existing)) throw new VcsPermanentException($"no comment {commentId}", 404);
        _comments[commentId] = existing with { Body = body };
        return Task.CompletedTask;
    }

    public Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct)
    {
        _calls.Enqueue($"set_status {repo} {sha} {status.Context} {status.State}");
        _statuses.Enqueue((sha, status));
        return Task.CompletedTask;
    }

    public Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct)
    {
        _calls.Enqueue($"permission {repo} {user}");
        return Task.FromResult(RepoPermission.Write);
    }

    public Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct)
    {
        _calls.Enqueue($"team {team} {user}");
        return Task.FromResult(false);
    }

    /// <summary>Every comment this double keeps was written through it, as "terraflow-bot" (see <see cref="ListCommentsAsync"/>).</summary>
    public Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct)
    {
        _calls.Enqueue($"own_login {repo}");
        return Task.FromResult<string?>("terraflow-bot");
    }

    public Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct)
    {
        _calls.Enqueue($"clone_token {repo}");
        return Task.FromResult<string?>(null);
    }
}
