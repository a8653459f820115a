using Microsoft.AspNetCore.Builder;

namespace TerraFlow.Testing.FakeGitLab;

/// <summary>
/// A local stand-in for the GitLab REST API v4: a real Kestrel server on 127.0.0.1 that answers the endpoints
/// TerraFlow calls with GitLab's shapes, status codes, error bodies and pagination headers, and records what it received.
/// <code>
/// await using var gitlab = await FakeGitLabServer.StartAsync();
/// gitlab.AddMergeRequest("acme/platform", "infra", 7, headSha: "abc123…");
/// var options = new GitLabOptions { ApiUrl = gitlab.ApiUrl, Token = gitlab.Token };
/// </code>
/// Access levels: 50 owner, 40 maintainer, 30 developer, 20 reporter, 10 guest.
/// </summary>
public sealed class FakeGitLabServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeGitLabState _state;
    private readonly FakeGitLabOptions _options;
    private FakeGitLabIssues? _issues;

    private FakeGitLabServer(WebApplication app, FakeGitLabState state, FakeGitLabOptions options, string rootUrl)
    {
        _app = app;
        _state = state;
        _options = options;
        RootUrl = rootUrl;
    }

    /// <summary>Where to point <c>GitLabOptions.ApiUrl</c>: the root plus "/api/v4".</summary>
    public string ApiUrl => RootUrl + FakeGitLabRouter.ApiPrefix;

    /// <summary>Scheme, host and port; also the web root in web_url and http_url_to_repo.</summary>
    public string RootUrl { get; }

    public string Token => _options.Token;

    /// <summary>Who notes and statuses made with <see cref="Token"/> are attributed to.</summary>
    public string TokenUser => _options.TokenUser;

    public static async Task<FakeGitLabServer> StartAsync(FakeGitLabOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeGitLabOptions();
        var state = new FakeGitLabState();
        var router = new FakeGitLabRouter(options, state);

        var (app, address) = await LoopbackApp.StartAsync(router.HandleAsync, ct);
        var server = new FakeGitLabServer(app, state, options, address);
        router.Bind(new FakeGitLabResponses(server.ApiUrl, address, state));
        server._issues = router.Issues;
        state.UserId(options.TokenUser);
        return server;
    }

    /// <summary>A project (created on first use; its groups too). Returns what the fake serves.</summary>
    public FakeGitLabProject AddProject(string path) => _state.EnsureProject(path.Trim('/'), RootUrl);

    /// <summary>Points the project's http_url_to_repo somewhere else, e.g. a local bare git repository.</summary>
    public void SetCloneUrl(string projectPath, string cloneUrl)
    {
        AddProject(projectPath);
        _state.SetProjectCloneUrl(projectPath, cloneUrl);
    }

    /// <summary>
    /// Adds (or replaces) merge request !<paramref name="iid"/> of <paramref name="ns"/>/<paramref name="project"/>.
    /// <paramref name="sourceProject"/> (a full path) makes it a merge request from that fork.
    /// </summary>
    public FakeMergeRequest AddMergeRequest(
        string ns, string project, int iid, string headSha, string? baseSha = null,
        string sourceBranch = "feature", string targetBranch = "main", string author = "alice",
        string state = "opened", string? sourceProject = null, string? title = null)
    {
        var target = AddProject($"{ns}/{project}");
        if (sourceProject is not null) AddProject(sourceProject);
        _state.UserId(author);
        var mr = new FakeMergeRequest(target.Path, iid, headSha, baseSha ?? new string('0', 40), sourceBranch, targetBranch, author, state,
            sourceProject, title ?? $"Merge request {iid}");
        _state.PutMergeRequest(target.Id, mr);
        return mr;
    }

    /// <summary>The stored merge request as the fake will serve it next, or null.</summary>
    public FakeMergeRequest? MergeRequest(string projectPath, int iid) =>
        _state.FindProject(projectPath) is { } p ? _state.FindMergeRequest(p.Id, iid) : null;

    /// <summary>Replaces a stored merge request (e.g. after a push: new head sha; or merged/closed).</summary>
    public void UpdateMergeRequest(FakeMergeRequest mr) => _state.PutMergeRequest(AddProject(mr.ProjectPath).Id, mr);

    /// <summary>Sets detailed_merge_status ("mergeable", "need_rebase", "conflict", "checking", "unchecked", …).</summary>
    public void SetDetailedMergeStatus(string projectPath, int iid, string status)
    {
        var mr = MergeRequest(projectPath, iid) ?? throw new InvalidOperationException($"No merge request {projectPath}!{iid}; add it first.");
        UpdateMergeRequest(mr with { DetailedMergeStatus = status });
    }

    /// <summary>Makes <paramref name="username"/> a direct project member at <paramref name="accessLevel"/>; null removes them.</summary>
    public void SetMember(string projectPath, string username, int? accessLevel) =>
        _state.SetProjectMember(AddProject(projectPath).Id, _state.UserId(username), accessLevel);

    /// <summary>Makes <paramref name="username"/> a member of group <paramref name="group"/> (inherited by subgroups and projects); null removes them.</summary>
    public void SetGroupMember(string group, string username, int? accessLevel = 30) =>
        _state.SetGroupMember(group.Trim('/').TrimStart('@'), _state.UserId(username), accessLevel);

    /// <summary>A user GitLab knows (so /users?username= finds them) without any membership.</summary>
    public long AddUser(string username) => _state.UserId(username);

    /// <summary>Sets who approved the merge request in GitLab (GET …/approvals → approved_by).</summary>
    public void SetApprovals(string projectPath, int iid, params string[] usernames) =>
        _state.SetApprovals(AddProject(projectPath).Id, iid, usernames);

    /// <summary>Seeds a note without HTTP; <paramref name="system"/> makes it one of GitLab's own activity notes.</summary>
    public FakeGitLabNote AddNote(string projectPath, int iid, string body, string author = "alice", bool system = false) =>
        _state.AddNote(AddProject(projectPath).Id, iid, body, author, system, _options.Time.GetUtcNow());

    public IReadOnlyList<FakeGitLabNote> Notes(string projectPath, int iid) =>
        _state.FindProject(projectPath) is { } p ? _state.NotesOn(p.Id, iid) : [];

    public IReadOnlyList<FakeGitLabNote> AllNotes => _state.AllNotes();

    /// <summary>Every commit status accepted, in order.</summary>
    public IReadOnlyList<FakeGitLabStatus> Statuses => _state.Statuses();

    /// <summary>Every request received, in order, with the status the fake answered.</summary>
    public IReadOnlyList<FakeGitLabRequest> Requests => _state.Requests();

    /// <summary>The project's issues (opened and closed), by iid.</summary>
    public IReadOnlyList<FakeGitLabIssue> Issues(string projectPath) => _issues!.All(AddProject(projectPath).Id);

    /// <summary>The notes on a project's issue, oldest first.</summary>
    public IReadOnlyList<FakeGitLabNote> IssueNotes(string projectPath, int iid) => _issues!.NotesOn(AddProject(projectPath).Id, iid);

    /// <summary>Seeds an issue without going through HTTP (e.g. one someone else opened).</summary>
    public FakeGitLabIssue AddIssue(string projectPath, string title, string? description, string author, params string[] labels) =>
        _issues!.Add(AddProject(projectPath).Id, title, description, author, labels);

    /// <summary>
    /// The next <paramref name="count"/> requests (any endpoint) fail with <paramref name="statusCode"/>: 5xx with
    /// GitLab's JSON message, 429 as gitlab.com's plain-text "Retry later" with Retry-After, 401/403/404 as GitLab words them.
    /// </summary>
    public void FailNextRequests(int count, int statusCode) => _state.FailNext(count, statusCode);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
