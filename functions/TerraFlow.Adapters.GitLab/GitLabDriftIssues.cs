using TerraFlow.Adapters.Http;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// Drift issues on GitLab (<see cref="IDriftIssueTracker"/>) over its REST API: <c>POST /projects/:id/issues</c>,
/// <c>PUT /projects/:id/issues/:iid</c> (with <c>state_event=close|reopen</c>), issue notes, and the label listing.
/// Issue numbers are GitLab's per-project iids. Every request that creates or changes content goes through the
/// <see cref="ContentRequestLimiter"/> under the configured token; a 429 with Retry-After pauses that token's content
/// requests as long as GitLab asked.
/// </summary>
public sealed class GitLabDriftIssues : IDriftIssueTracker
{
    private const int PageSize = 100;
    // Bounds the search: 20 pages = 2000 drift issues in one project.
    private const int MaxPages = 20;

    private readonly GitLabHttp _http;
    private readonly GitLabClient _client;
    private readonly ContentRequestLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly string _key;

    public GitLabDriftIssues(HttpClient httpClient, GitLabOptions options, GitLabClient client, ContentRequestLimiter limiter, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new GitLabHttp(httpClient, options);
        _client = client;
        _limiter = limiter;
        _time = time;
        // One token per GitLab instance: GitLab's limits count per user (the token's) and instance.
        _key = "gitlab:" + options.ApiUrl.TrimEnd('/');
    }

    public string Provider => GitLabHost.Provider;

    public async Task<TrackedIssue?> GetAsync(RepoRef repo, long number, CancellationToken ct)
    {
        try
        {
            var issue = await _http.SendForJsonAsync(HttpMethod.Get, $"{IssuesPath(repo)}/{number}", null,
                GitLabIssueJsonContext.Default.GitLabIssue, ct).ConfigureAwait(false);
            return ToTracked(issue);
        }
        catch (VcsPermanentException ex) when (ex.StatusCode is 404 or 410)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<TrackedIssue>> ListByLabelAsync(RepoRef repo, string label, CancellationToken ct)
    {
        var issues = new List<TrackedIssue>();
        // No state parameter: GitLab then lists opened and closed issues alike.
        string? next = $"{IssuesPath(repo)}?labels={Uri.EscapeDataString(label)}&order_by=created_at&sort=desc&per_page={PageSize}";
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await _http.SendAsync(HttpMethod.Get, next, null, ct).ConfigureAwait(false);
            var items = await _http.ReadJsonAsync(response, GitLabIssueJsonContext.Default.ListGitLabIssue, ct).ConfigureAwait(false);
            issues.AddRange(items.Select(ToTracked));
            next = GitLabHttp.NextPage(response);
        }
        return issues;
    }

    public async Task<TrackedIssue> CreateAsync(RepoRef repo, DriftIssueDocument document, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        var request = new GitLabIssueRequest(document.Title, document.Body, string.Join(',', document.Labels), StateEvent: null);
        var created = await ContentAsync(() => _http.SendForJsonAsync(HttpMethod.Post, IssuesPath(repo),
            GitLabHttp.Json(request, GitLabIssueJsonContext.Default.GitLabIssueRequest), GitLabIssueJsonContext.Default.GitLabIssue, ct), ct).ConfigureAwait(false);
        return ToTracked(created);
    }

    public async Task UpdateAsync(RepoRef repo, long number, DriftIssueDocument document, bool open, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        // GitLab ignores a state_event that matches the current state, so sending it always is harmless.
        var request = new GitLabIssueRequest(document.Title, document.Body, string.Join(',', document.Labels), open ? "reopen" : "close");
        await ContentAsync(async () =>
        {
            using var _ = await _http.SendAsync(HttpMethod.Put, $"{IssuesPath(repo)}/{number}",
                GitLabHttp.Json(request, GitLabIssueJsonContext.Default.GitLabIssueRequest), ct).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListCommentBodiesAsync(RepoRef repo, long number, string? author, CancellationToken ct)
    {
        var bodies = new List<string>();
        string? next = $"{IssuesPath(repo)}/{number}/notes?sort=asc&order_by=created_at&per_page={PageSize}";
        for (var page = 0; next is not null && page < 50; page++)
        {
            using var response = await _http.SendAsync(HttpMethod.Get, next, null, ct).ConfigureAwait(false);
            var notes = await _http.ReadJsonAsync(response, GitLabIssueJsonContext.Default.ListGitLabNote, ct).ConfigureAwait(false);
            bodies.AddRange(notes
                .Where(n => !n.System && (author is null || string.Equals(n.Author?.Username, author, StringComparison.OrdinalIgnoreCase)))
                .Select(n => n.Body ?? ""));
            next = GitLabHttp.NextPage(response);
        }
        return bodies;
    }

    public async Task CommentAsync(RepoRef repo, long number, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        await ContentAsync(async () =>
        {
            using var _ = await _http.SendAsync(HttpMethod.Post, $"{IssuesPath(repo)}/{number}/notes",
                GitLabHttp.Json(new GitLabNoteBody(body), GitLabIssueJsonContext.Default.GitLabNoteBody), ct).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
    }

    public Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct) => _client.GetOwnLoginAsync(repo, ct);

    private async Task<T> ContentAsync<T>(Func<Task<T>> request, CancellationToken ct)
    {
        try
        {
            return await _limiter.RunAsync(_key, request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.Data[VcsRestHttp.RetryAfterKey] is TimeSpan wait)
        {
            _limiter.PauseUntil(_key, _time.GetUtcNow() + (wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1)));
            throw;
        }
    }

    private static TrackedIssue ToTracked(GitLabIssue issue) => new(
        issue.Iid,
        issue.State == "opened",
        issue.Title ?? "",
        issue.Description ?? "",
        issue.Author?.Username ?? "ghost",
        issue.Labels ?? []);

    private static string IssuesPath(RepoRef repo) => $"projects/{GitLabPaths.ProjectId(repo)}/issues";
}
