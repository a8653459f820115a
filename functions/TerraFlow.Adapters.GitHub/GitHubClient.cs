using TerraFlow.Adapters.GitHub.Api;
using TerraFlow.Core.Vcs;
using Octo = Octokit;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// <see cref="IVcsClient"/> over the GitHub REST API (github.com or Enterprise Server) through Octokit
/// (<see cref="GitHubApi"/>). Failures surface as <see cref="VcsPermanentException"/> (4xx: retrying will not help) or
/// <see cref="HttpRequestException"/> (5xx, network, and rate limits longer than a call waits: retry later).
/// </summary>
public sealed class GitHubClient : IVcsClient, ICommitStatusReader
{
    /// <summary>GitHub truncates nothing itself: longer status descriptions are rejected with 422.</summary>
    public const int MaxStatusDescriptionLength = 140;

    // 100 per page is GitHub's maximum; 50 pages (5000 comments) guards against a Link header that never ends.
    private static readonly Octo.ApiOptions AllComments = new() { PageSize = 100, PageCount = 50 };

    // Newest first: one page of 100 is enough (a missing context only means a re-send).
    private static readonly Octo.ApiOptions FirstHundred = new() { PageSize = 100, PageCount = 1, StartPage = 1 };

    private readonly GitHubApi _api;
    private readonly GitHubAppTokenProvider _tokens;

    public GitHubClient(GitHubApi api, GitHubAppTokenProvider tokens)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
    }

    public async Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var pr = await _api.RunAsync(token, $"GET pull request {repo}#{number}",
            github => github.PullRequest.Get(Seg(repo.Owner), Seg(repo.Name), number), ct).ConfigureAwait(false);
        var head = pr.Head?.Repository;
        var @base = pr.Base?.Repository;
        return new PullRequestInfo(
            repo,
            pr.Number,
            HeadSha: pr.Head?.Sha ?? throw Unreadable("head.sha"),
            BaseSha: pr.Base?.Sha ?? throw Unreadable("base.sha"),
            HeadRef: pr.Head.Ref,
            BaseRef: pr.Base.Ref,
            // Clone from the head repository so PRs from forks fetch the right branch.
            CloneUrl: head?.CloneUrl ?? @base?.CloneUrl ?? "",
            Author: pr.User?.Login ?? "ghost",
            Open: pr.State.StringValue == "open",
            // Octokit reads "merged" from merged_at, which GitHub sets exactly when the pull request was merged.
            Merged: pr.Merged)
        {
            Mergeable = pr.Mergeable,
            MergeableState = pr.MergeableState?.StringValue,
            // A deleted fork has no head repository; it was still someone else's.
            FromFork = head is null || @base is null
                || (head.Id != 0 && @base.Id != 0 ? head.Id != @base.Id
                    : !string.Equals(head.FullName ?? head.CloneUrl, @base.FullName ?? @base.CloneUrl, StringComparison.OrdinalIgnoreCase)),
        };
    }

    public async Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        // Octokit follows GitHub's Link header page by page (rather than guessing page numbers).
        var comments = await _api.RunAsync(token, $"GET comments of {repo}#{number}",
            github => github.Issue.Comment.GetAllForIssue(Seg(repo.Owner), Seg(repo.Name), number, AllComments), ct).ConfigureAwait(false);
        return comments.Select(c => new PullRequestComment(c.Id, c.User?.Login ?? "ghost", c.Body ?? "")).ToList();
    }

    public async Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(body);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var created = await _api.RunAsync(token, $"POST comment on {repo}#{number}",
            github => github.Issue.Comment.Create(Seg(repo.Owner), Seg(repo.Name), number, body), ct).ConfigureAwait(false);
        return created.Id;
    }

    public async Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(body);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        await _api.RunAsync(token, $"PATCH comment {commentId} in {repo}",
            github => github.Issue.Comment.Update(Seg(repo.Owner), Seg(repo.Name), commentId, body), ct).ConfigureAwait(false);
    }

    public async Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        ArgumentNullException.ThrowIfNull(status);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var request = new Octo.NewCommitStatus
        {
            State = ToOctokit(status.State),
            Context = status.Context,
            Description = TruncateDescription(status.Description),
            TargetUrl = status.TargetUrl,
        };
        await _api.RunAsync(token, $"POST status on {repo}@{sha}",
            github => github.Repository.Status.Create(Seg(repo.Owner), Seg(repo.Name), Seg(sha), request), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /repos/{owner}/{repo}/commits/{sha}/statuses lists every status, newest first; the first one of each context
    /// is its current state.
    /// </summary>
    public async Task<IReadOnlyList<CommitStatus>> GetLatestStatusesAsync(RepoRef repo, string sha, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var items = await _api.RunAsync(token, $"GET statuses of {repo}@{sha}",
            github => github.Repository.Status.GetAll(Seg(repo.Owner), Seg(repo.Name), Seg(sha), FirstHundred), ct).ConfigureAwait(false);
        return items
            .Where(s => s.Context is not null && ParseState(s.State.StringValue) is not null)
            .DistinctBy(s => s.Context, StringComparer.Ordinal)
            .Select(s => new CommitStatus(s.Context, ParseState(s.State.StringValue)!.Value, s.Description ?? "", s.TargetUrl))
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
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        try
        {
            var answer = await _api.RunAsync(token, $"GET permission of {user} on {repo}",
                github => github.Repository.Collaborator.ReviewPermission(Seg(repo.Owner), Seg(repo.Name), Seg(user)), ct).ConfigureAwait(false);
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
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var (org, slug) = GitHubPermissions.SplitTeam(team);
        var token = await _tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        // Octokit only has the legacy by-team-id form of this endpoint; the by-slug one goes through its connection.
        var uri = new Uri($"orgs/{Seg(org)}/teams/{Seg(slug)}/memberships/{Seg(user)}", UriKind.Relative);
        try
        {
            var membership = await _api.RunAsync(token, $"GET membership of {user} in {org}/{slug}",
                github => new Octo.ApiConnection(github.Connection).Get<Octo.TeamMembershipDetails>(uri), ct).ConfigureAwait(false);
            return string.Equals(membership.State.StringValue, "active", StringComparison.OrdinalIgnoreCase);
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

    private static Octo.CommitState ToOctokit(CommitState state) => state switch
    {
        CommitState.Pending => Octo.CommitState.Pending,
        CommitState.Success => Octo.CommitState.Success,
        CommitState.Failure => Octo.CommitState.Failure,
        CommitState.Error => Octo.CommitState.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown commit state."),
    };

    /// <summary>
    /// One path segment, escaped: Octokit puts its arguments into URL templates as they are, so a name such as
    /// "../../orgs/x" (user input, e.g. from a comment) would otherwise address another endpoint.
    /// </summary>
    private static string Seg(string value) => Uri.EscapeDataString(value);

    /// <summary>A success answer without a field every pull request has: a proxy's or a broken answer, so transient.</summary>
    private static HttpRequestException Unreadable(string field) => new($"GitHub API returned a pull request without {field}.");
}
