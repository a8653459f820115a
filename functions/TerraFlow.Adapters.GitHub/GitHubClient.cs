using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// <see cref="IVcsClient"/> over the GitHub REST API (github.com or Enterprise Server). Failures surface as
/// <see cref="VcsPermanentException"/> (4xx: retrying will not help) or <see cref="HttpRequestException"/>
/// (5xx, 429, rate-limit 403, network: retry later).
/// </summary>
public sealed class GitHubClient : IVcsClient, ICommitStatusReader
{
    /// <summary>GitHub truncates nothing itself: longer status descriptions are rejected with 422.</summary>
    public const int MaxStatusDescriptionLength = 140;

    private const int PageSize = 100;
    // Guards against a server whose Link header never ends (50 pages = 5000 comments).
    private const int MaxPages = 50;

    private readonly GitHubHttp _http;
    private readonly GitHubAppTokenProvider _tokens;

    public GitHubClient(HttpClient httpClient, GitHubOptions options, GitHubAppTokenProvider tokens)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _http = new GitHubHttp(httpClient, options);
    }

    public async Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var pr = await _http.SendForJsonAsync(HttpMethod.Get, $"{RepoPath(repo)}/pulls/{number}", null, token,
            GitHubJsonContext.Default.GitHubPullRequest, ct).ConfigureAwait(false);
        return new PullRequestInfo(
            repo,
            pr.Number,
            HeadSha: pr.Head.Sha,
            BaseSha: pr.Base.Sha,
            HeadRef: pr.Head.Ref,
            BaseRef: pr.Base.Ref,
            // Clone from the head repository so PRs from forks fetch the right branch.
            CloneUrl: pr.Head.Repo?.CloneUrl ?? pr.Base.Repo?.CloneUrl ?? "",
            Author: pr.User?.Login ?? "ghost",
            Open: pr.State == "open",
            Merged: pr.Merged ?? false)
        {
            Mergeable = pr.Mergeable,
            MergeableState = pr.MergeableState,
            // A deleted fork has no head repository; it was still someone else's.
            FromFork = pr.Head.Repo is null || pr.Base.Repo is null
                || (pr.Head.Repo.Id is { } h && pr.Base.Repo.Id is { } b ? h != b
                    : !string.Equals(pr.Head.Repo.FullName ?? pr.Head.Repo.CloneUrl, pr.Base.Repo.FullName ?? pr.Base.Repo.CloneUrl, StringComparison.OrdinalIgnoreCase)),
        };
    }

    public async Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var comments = new List<PullRequestComment>();
        string? next = $"{RepoPath(repo)}/issues/{number}/comments?per_page={PageSize}";
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await _http.SendAsync(HttpMethod.Get, next, null, token, ct).ConfigureAwait(false);
            var items = await GitHubHttp.ReadJsonAsync(response, GitHubJsonContext.Default.ListGitHubIssueComment, ct)
                .ConfigureAwait(false);
            comments.AddRange(items.Select(c => new PullRequestComment(c.Id, c.User?.Login ?? "ghost", c.Body ?? "")));
            next = GitHubLinkHeader.FindNext(response);
        }
        return comments;
    }

    public async Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var created = await _http.SendForJsonAsync(HttpMethod.Post, $"{RepoPath(repo)}/issues/{number}/comments",
            GitHubHttp.Json(new GitHubCommentBody(body), GitHubJsonContext.Default.GitHubCommentBody), token,
            GitHubJsonContext.Default.GitHubIssueComment, ct).ConfigureAwait(false);
        return created.Id;
    }

    public async Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        using var _ = await _http.SendAsync(HttpMethod.Patch, $"{RepoPath(repo)}/issues/comments/{commentId}",
            GitHubHttp.Json(new GitHubCommentBody(body), GitHubJsonContext.Default.GitHubCommentBody), token, ct)
            .ConfigureAwait(false);
    }

    public async Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        ArgumentNullException.ThrowIfNull(status);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var request = new GitHubStatusRequest(
            StateName(status.State), status.Context, TruncateDescription(status.Description), status.TargetUrl);
        using var _ = await _http.SendAsync(HttpMethod.Post, $"{RepoPath(repo)}/statuses/{Uri.EscapeDataString(sha)}",
            GitHubHttp.Json(request, GitHubJsonContext.Default.GitHubStatusRequest), token, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /repos/{owner}/{repo}/commits/{sha}/statuses lists every status, newest first; the first one of each context
    /// is its current state. One page of 100 is enough for TerraFlow's purpose (a missing context only means a re-send).
    /// </summary>
    public async Task<IReadOnlyList<CommitStatus>> GetLatestStatusesAsync(RepoRef repo, string sha, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        using var response = await _http.SendAsync(HttpMethod.Get, $"{RepoPath(repo)}/commits/{Uri.EscapeDataString(sha)}/statuses?per_page=100", null, token, ct)
            .ConfigureAwait(false);
        var items = await GitHubHttp.ReadJsonAsync(response, GitHubJsonContext.Default.ListGitHubStatus, ct).ConfigureAwait(false);
        return items
            .Where(s => s.Context is not null && ParseState(s.State) is not null)
            .DistinctBy(s => s.Context, StringComparer.Ordinal)
            .Select(s => new CommitStatus(s.Context!, ParseState(s.State)!.Value, s.Description ?? "", s.TargetUrl))
            .ToList();
    }

    private static CommitState? ParseState(string? state) => state switch
    {
        "pending" => CommitState.Pending,
        "success" => CommitState.Success,
        "failure" => CommitState.Failure,
        "error" => CommitState.Error,
        _ => null,
    };

    /// <summary>The user's role on the repository; <see cref="RepoPermission.None"/> when GitHub does not know the user (404).</summary>
    public async Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        try
        {
            var answer = await _http.SendForJsonAsync(HttpMethod.Get,
                $"{RepoPath(repo)}/collaborators/{Uri.EscapeDataString(user)}/permission", null, token,
                GitHubJsonContext.Default.GitHubCollaboratorPermission, ct).ConfigureAwait(false);
            return GitHubPermissions.FromResponse(answer.RoleName, answer.Permission);
        }
        catch (VcsPermanentException ex) when (ex.StatusCode == 404)
        {
            return RepoPermission.None;
        }
    }

    /// <summary>
    /// True only for an active member of <paramref name="team"/> ("org/team-slug", a leading '@' as written in
    /// CODEOWNERS is accepted). A pending invitation is not membership; 404 (not a member, or no such team) is false.
    /// </summary>
    public async Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var (org, slug) = GitHubPermissions.SplitTeam(team);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        try
        {
            var membership = await _http.SendForJsonAsync(HttpMethod.Get,
                $"orgs/{Uri.EscapeDataString(org)}/teams/{Uri.EscapeDataString(slug)}/memberships/{Uri.EscapeDataString(user)}",
                null, token, GitHubJsonContext.Default.GitHubTeamMembership, ct).ConfigureAwait(false);
            return string.Equals(membership.State, "active", StringComparison.OrdinalIgnoreCase);
        }
        catch (VcsPermanentException ex) when (ex.StatusCode == 404)
        {
            return false;
        }
    }

    public async Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct) =>
        await _tokens.GetOwnLoginAsync(repo, ct).ConfigureAwait(false);

    public async Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct) =>
        await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);

    /// <summary>Shortens to 140 characters, ending in "…" so readers can tell text was cut.</summary>
    public static string TruncateDescription(string? description)
    {
        if (string.IsNullOrEmpty(description)) return "";
        return description.Length <= MaxStatusDescriptionLength
            ? description
            : description[..(MaxStatusDescriptionLength - 1)] + "…";
    }

    private static string StateName(CommitState state) => state switch
    {
        CommitState.Pending => "pending",
        CommitState.Success => "success",
        CommitState.Failure => "failure",
        CommitState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown commit state."),
    };

    private static string RepoPath(RepoRef repo) =>
        $"repos/{Uri.EscapeDataString(repo.Owner)}/{Uri.EscapeDataString(repo.Name)}";
}
