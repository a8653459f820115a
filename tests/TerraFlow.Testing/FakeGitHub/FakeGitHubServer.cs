using Microsoft.AspNetCore.Builder;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>
/// A local stand-in for the GitHub REST API: a real Kestrel server on 127.0.0.1 that answers the endpoints
/// TerraFlow calls with GitHub's shapes, status codes and error bodies, and records what it received.
/// <code>
/// await using var github = await FakeGitHubServer.StartAsync();
/// github.AddPullRequest("acme", "infra", 7, headSha: "abc123");
/// var options = new GitHubOptions { ApiUrl = github.ApiUrl, Token = github.Token };
/// </code>
/// </summary>
public sealed class FakeGitHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeGitHubState _state;
    private readonly FakeGitHubOptions _options;
    private FakeGitHubIssues? _issues;

    private FakeGitHubServer(WebApplication app, FakeGitHubState state, FakeGitHubOptions options, string rootUrl)
    {
        _app = app;
        _state = state;
        _options = options;
        RootUrl = rootUrl;
        ApiUrl = rootUrl + options.PathPrefix.TrimEnd('/');
    }

    /// <summary>Where to point <c>GitHubOptions.ApiUrl</c>; includes <see cref="FakeGitHubOptions.PathPrefix"/>.</summary>
    public string ApiUrl { get; }

    /// <summary>Scheme, host and port only (also used as the "web" host in html_url/clone_url).</summary>
    public string RootUrl { get; }

    /// <summary>The static token the server accepts.</summary>
    public string Token => _options.Token;

    /// <summary>See <see cref="FakeGitHubOptions.BeforeRequest"/>; may be set while the server runs.</summary>
    public Func<string, string, Task>? BeforeRequest
    {
        get => _options.BeforeRequest;
        set => _options.BeforeRequest = value;
    }

    public static async Task<FakeGitHubServer> StartAsync(FakeGitHubOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeGitHubOptions();
        var state = new FakeGitHubState();
        var router = new FakeGitHubRouter(options, state, new FakeGitHubAuth(options, state));

        var (app, address) = await LoopbackApp.StartAsync(router.HandleAsync, ct);
        var server = new FakeGitHubServer(app, state, options, address);
        router.Bind(new FakeGitHubResponses(server.ApiUrl, address));
        server._issues = router.Issues;
        return server;
    }

    /// <summary>Adds (or replaces) a pull request; its repository then exists too. Returns what was stored.</summary>
    public FakePullRequest AddPullRequest(
        string owner, string repo, int number, string headSha, string? baseSha = null,
        string headRef = "feature", string baseRef = "main", string author = "octocat",
        string? headCloneUrl = null, bool open = true, bool merged = false, string? title = null, string? forkOwner = null)
    {
        var pr = new FakePullRequest(owner, repo, number, headSha, baseSha ?? new string('0', 40), headRef, baseRef,
            author, headCloneUrl, open, merged, title ?? $"Pull request {number}") { ForkOwner = forkOwner };
        _state.PutPullRequest(pr);
        return pr;
    }

    /// <summary>The stored pull request as the fake will serve it next, or null.</summary>
    public FakePullRequest? PullRequest(string owner, string repo, int number) => _state.FindPullRequest(owner, repo, number);

    /// <summary>Replaces a stored pull request (e.g. after a push: new head sha; or merged/closed).</summary>
    public void UpdatePullRequest(FakePullRequest pr) => _state.PutPullRequest(pr);

    /// <summary>
    /// Sets GitHub's <c>mergeable</c> (null = still computing) and <c>mergeable_state</c> of an open pull request.
    /// New pull requests start as mergeable and "clean".
    /// </summary>
    public void SetMergeability(string owner, string repo, int number, bool? mergeable, string mergeableState)
    {
        if (!_state.SetMergeability(owner, repo, number, mergeable, mergeableState))
            throw new InvalidOperationException($"No pull request {owner}/{repo}#{number}; add it first.");
    }

    /// <summary>
    /// Makes <paramref name="user"/> a collaborator with <paramref name="role"/>: "admin", "maintain", "write"
    /// (default), "triage", "read", "none", or a custom role name built on <paramref name="basePermission"/>.
    /// Users never added get 404 from the permission endpoint.
    /// </summary>
    public void SetCollaboratorPermission(string owner, string repo, string user, string role = "write", string basePermission = "read") =>
        _state.PutCollaborator(new FakeCollaborator(owner, repo, user, role, basePermission));

    /// <summary>
    /// Gives <paramref name="user"/> <paramref name="role"/> on every repository the fake serves, the way an
    /// organization's base permission does; <see cref="SetCollaboratorPermission"/> on one repository still wins.
    /// </summary>
    public void SetPermissionOnEveryRepository(string user, string role = "write") => _state.PutRoleEverywhere(user, role);

    /// <summary>Adds <paramref name="user"/> to team <paramref name="org"/>/<paramref name="teamSlug"/> ("active" or "pending").</summary>
    public void SetTeamMembership(string org, string teamSlug, string user, string state = "active", string role = "member") =>
        _state.SetTeamMembership(org, teamSlug, user, state, role);

    /// <summary>Takes <paramref name="user"/> out of the team: the membership endpoint then answers 404.</summary>
    public void RemoveTeamMembership(string org, string teamSlug, string user) =>
        _state.SetTeamMembership(org, teamSlug, user, null, "member");

    /// <summary>A repository with no pull requests (statuses can still be posted to it).</summary>
    public void AddRepository(string owner, string repo) => _state.AddRepository(owner, repo);

    /// <summary>Seeds a comment without going through HTTP (e.g. a user's "terraflow plan").</summary>
    public FakeComment AddComment(string owner, string repo, int number, string body, string author = "octocat") =>
        _state.AddComment(owner, repo, number, body, author, _options.Time.GetUtcNow());

    public IReadOnlyList<FakeComment> Comments(string owner, string repo, int number) => _state.CommentsOn(owner, repo, number);

    public IReadOnlyList<FakeComment> AllComments => _state.AllComments();

    /// <summary>The repository's issues (open and closed), by number.</summary>
    public IReadOnlyList<FakeIssue> Issues(string owner, string repo) => _issues!.All(owner, repo);

    /// <summary>One issue, or null.</summary>
    public FakeIssue? Issue(string owner, string repo, int number) => _issues!.Find(owner, repo, number);

    /// <summary>Seeds an issue without going through HTTP (e.g. one someone else opened); its repository then exists too.</summary>
    public FakeIssue AddIssue(string owner, string repo, string title, string? body, string author, IEnumerable<string> labels, bool open = true) =>
        _issues!.Add(owner, repo, title, body, author, labels, open);

    /// <summary>Every commit status received, in order.</summary>
    public IReadOnlyList<FakeStatus> Statuses => _state.Statuses();

    /// <summary>Every request received, in order, with the status the fake answered.</summary>
    public IReadOnlyList<FakeRequest> Requests => _state.Requests();

    /// <summary>How many installation tokens were minted (for one installation, or all when null).</summary>
    public int InstallationTokenRequests(long? installationId = null) => _state.TokenRequestCount(installationId);

    /// <summary>
    /// The next <paramref name="count"/> requests (any endpoint) fail with <paramref name="statusCode"/>: 5xx "Server
    /// Error"; 429 a secondary rate limit with Retry-After: 60 and 403 the primary rate limit (X-RateLimit-Remaining: 0,
    /// reset an hour ahead), both longer than a client should wait inside one call; others generic.
    /// </summary>
    public void FailNextRequests(int count, int statusCode) => _state.FailNext(count, now => FakeGitHubFaults.For(statusCode, now));

    /// <summary>
    /// The next <paramref name="count"/> requests hit the primary rate limit: <paramref name="statusCode"/> (GitHub sends
    /// 403 or 429) with X-RateLimit-Remaining: 0 and X-RateLimit-Reset <paramref name="resetIn"/> after each answer.
    /// </summary>
    public void RateLimitNextRequests(int count, TimeSpan resetIn, int statusCode = 403) =>
        _state.FailNext(count, now => FakeGitHubFaults.PrimaryRateLimit(statusCode, now, resetIn));

    /// <summary>The next <paramref name="count"/> requests hit a secondary rate limit: <paramref name="statusCode"/> with Retry-After.</summary>
    public void SecondaryRateLimitNextRequests(int count, TimeSpan retryAfter, int statusCode = 429) =>
        _state.FailNext(count, _ => FakeGitHubFaults.SecondaryRateLimit(statusCode, retryAfter));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
