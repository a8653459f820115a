using TerraFlow.Adapters.GitHub.Api;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Vcs;
using Octo = Octokit;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// Drift issues on GitHub (<see cref="IDriftIssueTracker"/>) through Octokit: <c>POST/PATCH /repos/{o}/{r}/issues</c>,
/// issue comments, and the label listing (pull requests, which GitHub lists as issues too, are left out). Every request
/// that creates or changes content goes through the <see cref="ContentRequestLimiter"/> under the repository's App
/// installation (or the configured token), and a rate limit GitHub reports longer than a call waits pauses that
/// installation's content requests for as long as GitHub asked.
/// </summary>
public sealed class GitHubDriftIssues(GitHubApi api, GitHubAppTokenProvider tokens, ContentRequestLimiter limiter, TimeProvider time) : IDriftIssueTracker
{
    // 100 per page is GitHub's maximum; 20 pages (2000 drift issues of one repository) bounds the search.
    private static readonly Octo.ApiOptions Pages = new() { PageSize = 100, PageCount = 20 };

    public string Provider => GitHubHost.Provider;

    /// <summary>The limiter's key: GitHub's secondary limits count per App installation (or per token's user).</summary>
    public static string LimiterKey(RepoRef repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        return repo.InstallationId is { } id ? $"github:installation:{id}" : "github:token";
    }

    public async Task<TrackedIssue?> GetAsync(RepoRef repo, long number, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        try
        {
            var issue = await api.RunAsync(token, $"GET issue {repo}#{number}",
                github => github.Issue.Get(Seg(repo.Owner), Seg(repo.Name), checked((int)number)), ct).ConfigureAwait(false);
            // A number that became a pull request's is not our issue.
            return issue.PullRequest is null ? ToTracked(issue) : null;
        }
        catch (Core.Vcs.VcsPermanentException ex) when (ex.StatusCode is 404 or 410)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<TrackedIssue>> ListByLabelAsync(RepoRef repo, string label, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var request = new Octo.RepositoryIssueRequest
        {
            State = Octo.ItemStateFilter.All,
            SortProperty = Octo.IssueSort.Created,
            SortDirection = Octo.SortDirection.Descending,
        };
        request.Labels.Add(label);
        var issues = await api.RunAsync(token, $"GET issues labelled {label} of {repo}",
            github => github.Issue.GetAllForRepository(Seg(repo.Owner), Seg(repo.Name), request, Pages), ct).ConfigureAwait(false);
        return issues.Where(i => i.PullRequest is null).Select(ToTracked).ToList();
    }

    public async Task<TrackedIssue> CreateAsync(RepoRef repo, DriftIssueDocument document, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        var token = await tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var request = new Octo.NewIssue(document.Title) { Body = document.Body };
        // GitHub creates a label that does not exist yet.
        foreach (var label in document.Labels) request.Labels.Add(label);
        var created = await ContentAsync(repo, () => api.RunAsync(token, $"POST issue in {repo}",
            github => github.Issue.Create(Seg(repo.Owner), Seg(repo.Name), request), ct), ct).ConfigureAwait(false);
        return ToTracked(created);
    }

    public async Task UpdateAsync(RepoRef repo, long number, DriftIssueDocument document, bool open, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        var token = await tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var request = new Octo.IssueUpdate { Title = document.Title, Body = document.Body, State = open ? Octo.ItemState.Open : Octo.ItemState.Closed };
        if (!open) request.StateReason = Octo.ItemStateReason.Completed;
        request.ClearLabels();
        foreach (var label in document.Labels) request.AddLabel(label);
        await ContentAsync(repo, () => api.RunAsync(token, $"PATCH issue {repo}#{number}",
            github => github.Issue.Update(Seg(repo.Owner), Seg(repo.Name), checked((int)number), request), ct), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListCommentBodiesAsync(RepoRef repo, long number, string? author, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        var comments = await api.RunAsync(token, $"GET comments of {repo}#{number}",
            github => github.Issue.Comment.GetAllForIssue(Seg(repo.Owner), Seg(repo.Name), checked((int)number), new Octo.ApiOptions { PageSize = 100, PageCount = 50 }), ct)
            .ConfigureAwait(false);
        return comments
            .Where(c => author is null || string.Equals(c.User?.Login, author, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Body ?? "")
            .ToList();
    }

    public async Task CommentAsync(RepoRef repo, long number, string body, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(repo, ct).ConfigureAwait(false);
        await ContentAsync(repo, () => api.RunAsync(token, $"POST comment on {repo}#{number}",
            github => github.Issue.Comment.Create(Seg(repo.Owner), Seg(repo.Name), checked((int)number), body), ct), ct).ConfigureAwait(false);
    }

    public async Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct) => await tokens.GetOwnLoginAsync(repo, ct).ConfigureAwait(false);

    /// <summary>One content-creating request through the limiter; a rate limit too long to wait out pauses the installation.</summary>
    private async Task<T> ContentAsync<T>(RepoRef repo, Func<Task<T>> request, CancellationToken ct)
    {
        var key = LimiterKey(repo);
        try
        {
            return await limiter.RunAsync(key, request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.Data[GitHubRateLimitExceeded.WaitKey] is TimeSpan wait)
        {
            limiter.PauseUntil(key, time.GetUtcNow() + wait);
            throw;
        }
    }

    private static TrackedIssue ToTracked(Octo.Issue issue) => new(
        issue.Number,
        issue.State.StringValue == "open",
        issue.Title ?? "",
        issue.Body ?? "",
        issue.User?.Login ?? "ghost",
        (issue.Labels ?? []).Select(l => l.Name).ToList());

    /// <summary>One escaped path segment (Octokit puts arguments into URL templates as they are).</summary>
    private static string Seg(string value) => Uri.EscapeDataString(value);
}
