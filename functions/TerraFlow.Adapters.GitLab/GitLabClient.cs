using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// <see cref="IVcsClient"/> over the GitLab REST API v4 (gitlab.com or self-managed). Merge requests are the pull
/// requests, notes the comments, external commit statuses the statuses. Comment ids carry the merge request iid
/// (see <see cref="GitLabNoteIds"/>). Failures surface as <see cref="VcsPermanentException"/> (4xx but 429) or
/// <see cref="HttpRequestException"/> (5xx, 429, network: retry later).
/// </summary>
public sealed class GitLabClient : IVcsClient
{
    /// <summary>GitLab rejects longer notes with 400 ("is too long (maximum is 1000000 characters)").</summary>
    public const int MaxNoteLength = 1_000_000;

    /// <summary>The commit status description column holds 255 characters.</summary>
    public const int MaxStatusDescriptionLength = 255;

    private const int PageSize = 100;
    // Guards against a server whose pagination never ends (50 pages = 5000 notes).
    private const int MaxPages = 50;

    private readonly GitLabHttp _http;
    private readonly GitLabOptions _options;
    private string? _ownLogin;

    public GitLabClient(HttpClient httpClient, GitLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _http = new GitLabHttp(httpClient, options);
    }

    public async Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var mr = await _http.SendForJsonAsync(HttpMethod.Get, $"{MergeRequestPath(repo, number)}", null,
            GitLabJsonContext.Default.GitLabMergeRequest, ct).ConfigureAwait(false);
        // Always cloned from the project itself, also for a merge request from a fork: GitLab keeps the fork's commits
        // under refs/merge-requests/IID/head of the target and the runner fetches the head commit by SHA. Runs may
        // only clone their own project (CloneUrlPolicy), so a project's secret or token never reaches another one.
        var project = await _http.SendForJsonAsync(HttpMethod.Get, $"projects/{GitLabPaths.ProjectId(repo)}", null,
            GitLabJsonContext.Default.GitLabProject, ct).ConfigureAwait(false);
        return new PullRequestInfo(
            repo,
            number,
            HeadSha: mr.Sha ?? mr.DiffRefs?.HeadSha ?? "",
            BaseSha: mr.DiffRefs?.BaseSha ?? "",
            HeadRef: mr.SourceBranch,
            BaseRef: mr.TargetBranch,
            CloneUrl: project.HttpUrlToRepo ?? "",
            Author: mr.Author?.Username ?? "ghost",
            Open: mr.State == "opened",
            Merged: mr.State == "merged")
        {
            Mergeable = MergeableFrom(mr.DetailedMergeStatus),
            MergeableState = MergeableStateFrom(mr.DetailedMergeStatus),
            FromFork = mr.SourceProjectId != mr.TargetProjectId,
        };
    }

    /// <summary>True/false once GitLab has decided; null while it is still "checking" or "unchecked" (or did not say).</summary>
    public static bool? MergeableFrom(string? detailedMergeStatus) => detailedMergeStatus switch
    {
        null or "" or "checking" or "unchecked" or "preparing" or "approvals_syncing" => null,
        "mergeable" => true,
        _ => false,
    };

    /// <summary>GitLab's detailed status, except "need_rebase", which TerraFlow knows as GitHub's "behind" (base moved on).</summary>
    public static string? MergeableStateFrom(string? detailedMergeStatus) =>
        detailedMergeStatus == "need_rebase" ? "behind" : detailedMergeStatus;

    /// <summary>The token's user (GET /user; a project or group access token has a bot user of its own), cached.</summary>
    public async Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct)
    {
        if (_ownLogin is { } known) return known;
        var me = await _http.SendForJsonAsync(HttpMethod.Get, "user", null, GitLabJsonContext.Default.GitLabUser, ct).ConfigureAwait(false);
        return _ownLogin = me.Username ?? throw new InvalidOperationException("GitLab GET /user returned no username");
    }

    /// <summary>All human notes of the merge request, oldest first; GitLab's system notes ("added 1 commit") are left out.</summary>
    public async Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var comments = new List<PullRequestComment>();
        string? next = $"{MergeRequestPath(repo, number)}/notes?sort=asc&order_by=created_at&per_page={PageSize}";
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await _http.SendAsync(HttpMethod.Get, next, null, ct).ConfigureAwait(false);
            var notes = await GitLabHttp.ReadJsonAsync(response, GitLabJsonContext.Default.ListGitLabNote, ct).ConfigureAwait(false);
            comments.AddRange(notes.Where(n => !n.System)
                .Select(n => new PullRequestComment(GitLabNoteIds.Compose(number, n.Id), n.Author?.Username ?? "ghost", n.Body ?? "")));
            next = GitLabHttp.NextPage(response);
        }
        return comments;
    }

    public async Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var created = await _http.SendForJsonAsync(HttpMethod.Post, $"{MergeRequestPath(repo, number)}/notes",
            GitLabHttp.Json(new GitLabNoteBody(TruncateNote(body)), GitLabJsonContext.Default.GitLabNoteBody),
            GitLabJsonContext.Default.GitLabNote, ct).ConfigureAwait(false);
        return GitLabNoteIds.Compose(number, created.Id);
    }

    /// <param name="commentId">An id from <see cref="CreateCommentAsync"/> or <see cref="ListCommentsAsync"/>.</param>
    public async Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var (iid, noteId) = SplitCommentId(commentId);
        using var _ = await _http.SendAsync(HttpMethod.Put, $"{MergeRequestPath(repo, iid)}/notes/{noteId}",
            GitLabHttp.Json(new GitLabNoteBody(TruncateNote(body)), GitLabJsonContext.Default.GitLabNoteBody), ct).ConfigureAwait(false);
    }

    public async Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        ArgumentNullException.ThrowIfNull(status);
        var request = new GitLabStatusRequest(StateName(status.State), status.Context, TruncateDescription(status.Description), status.TargetUrl);
        try
        {
            using var _ = await _http.SendAsync(HttpMethod.Post, $"projects/{GitLabPaths.ProjectId(repo)}/statuses/{Uri.EscapeDataString(sha)}",
                GitLabHttp.Json(request, GitLabJsonContext.Default.GitLabStatusRequest), ct).ConfigureAwait(false);
        }
        catch (VcsPermanentException ex) when (ex.StatusCode == 400 && ex.Message.Contains("Cannot transition status", StringComparison.Ordinal))
        {
            // GitLab refuses to set a status to the state it already has ("Cannot transition status via :enqueue from
            // :pending"). The status already shows what we wanted, so a retried send is done, not failed.
        }
    }

    /// <summary>The user's access on the project (inherited group membership included); None for unknown users or non-members.</summary>
    public async Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        if (await FindUserIdAsync(user, ct).ConfigureAwait(false) is not { } userId) return RepoPermission.None;
        try
        {
            var member = await _http.SendForJsonAsync(HttpMethod.Get, $"projects/{GitLabPaths.ProjectId(repo)}/members/all/{userId}", null,
                GitLabJsonContext.Default.GitLabMember, ct).ConfigureAwait(false);
            return IsActive(member) ? GitLabPaths.FromAccessLevel(member.AccessLevel) : RepoPermission.None;
        }
        catch (VcsPermanentException ex) when (ex.StatusCode == 404)
        {
            return RepoPermission.None;
        }
    }

    /// <summary>
    /// Whether <paramref name="user"/> is an active member of the group <paramref name="team"/> ("group/subgroup", a
    /// leading '@' as in CODEOWNERS accepted), directly or through a parent group; 404 (not a member, no such group) is false.
    /// </summary>
    public async Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var group = GitLabPaths.GroupId(team);
        if (await FindUserIdAsync(user, ct).ConfigureAwait(false) is not { } userId) return false;
        try
        {
            var member = await _http.SendForJsonAsync(HttpMethod.Get, $"groups/{group}/members/all/{userId}", null,
                GitLabJsonContext.Default.GitLabMember, ct).ConfigureAwait(false);
            return IsActive(member);
        }
        catch (VcsPermanentException ex) when (ex.StatusCode == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Usernames that approved the merge request in GitLab itself (GET …/approvals). GitLab-specific, not on the VCS
    /// port: TerraFlow counts its own approvals; this lets an operator also honour GitLab's where the tier has them.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetApprovalsAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var approvals = await _http.SendForJsonAsync(HttpMethod.Get, $"{MergeRequestPath(repo, number)}/approvals", null,
            GitLabJsonContext.Default.GitLabApprovals, ct).ConfigureAwait(false);
        return (approvals.ApprovedBy ?? []).Select(a => a.User?.Username).OfType<string>().ToList();
    }

    /// <summary>The configured token; runners send it as HTTP basic auth with the user name "oauth2".</summary>
    public Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(_options.Token) ? null : _options.Token);

    /// <summary>Shortens to 255 characters, ending in "…" so readers can tell text was cut.</summary>
    public static string TruncateDescription(string? description)
    {
        if (string.IsNullOrEmpty(description)) return "";
        return description.Length <= MaxStatusDescriptionLength ? description : description[..(MaxStatusDescriptionLength - 1)] + "…";
    }

    private static string TruncateNote(string body)
    {
        const string cut = "\n\n_(TerraFlow shortened this comment: GitLab notes hold at most 1,000,000 characters.)_";
        return body.Length <= MaxNoteLength ? body : body[..(MaxNoteLength - cut.Length)] + cut;
    }

    private async Task<long?> FindUserIdAsync(string username, CancellationToken ct)
    {
        var users = await _http.SendForJsonAsync(HttpMethod.Get, $"users?username={Uri.EscapeDataString(username.Trim().TrimStart('@'))}", null,
            GitLabJsonContext.Default.ListGitLabUser, ct).ConfigureAwait(false);
        return users.FirstOrDefault(u => string.Equals(u.Username, username.Trim().TrimStart('@'), StringComparison.OrdinalIgnoreCase))?.Id
            ?? users.FirstOrDefault()?.Id;
    }

    // "awaiting" (seat approval pending) and "blocked" members have no access yet; older GitLab omits state.
    private static bool IsActive(GitLabMember member) => member.State is null or "active";

    private static (int Iid, long NoteId) SplitCommentId(long commentId)
    {
        try
        {
            var (iid, note) = GitLabNoteIds.Split(commentId);
            return ((int)iid, note);
        }
        catch (ArgumentException ex)
        {
            throw new VcsPermanentException(ex.Message, 0);
        }
    }

    private static string StateName(CommitState state) => state switch
    {
        CommitState.Pending => "pending",
        CommitState.Success => "success",
        CommitState.Failure => "failed",
        // GitLab has no "error"; a status TerraFlow could not compute is a failed check to a reviewer.
        CommitState.Error => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown commit state."),
    };

    private static string MergeRequestPath(RepoRef repo, long iid) => $"projects/{GitLabPaths.ProjectId(repo)}/merge_requests/{iid}";
}
