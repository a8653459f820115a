using Microsoft.AspNetCore.Builder;

namespace TerraFlow.Testing.FakeAzureDevOps;

/// <summary>
/// A local stand-in for the Azure DevOps REST API 7.1 (Azure Repos): a real Kestrel server on 127.0.0.1 answering
/// what TerraFlow calls — pull requests, threads and comments, pull request and commit statuses, reviewer votes,
/// items (file reads), connectionData, identities and the Git Repositories ACLs — with Azure DevOps' shapes (see the
/// REST examples in <c>../shared/fixtures/external/azure-devops/vsts-rest-api-specs</c>), status codes and error bodies.
/// <code>
/// await using var azdo = await FakeAzureDevOpsServer.StartAsync();
/// azdo.AddPullRequest("Infra", "platform", 7, headSha: "abc…", baseSha: "def…", author: "alice@contoso.com");
/// new AzureDevOpsOptions { OrganizationUrl = azdo.OrganizationUrl, Token = azdo.Token, IdentityUrl = azdo.OrganizationUrl };
/// </code>
/// </summary>
public sealed class FakeAzureDevOpsServer : IAsyncDisposable
{
    /// <summary>Git Repositories permission bits.</summary>
    public const int Read = 2, Contribute = 4 | 2, Maintain = 4 | 2 | 8 | 128, Administer = 1 | 4 | 2 | 8192;

    private readonly WebApplication _app;
    private readonly FakeAzureDevOpsState _state;
    private readonly FakeAzureDevOpsOptions _options;

    private FakeAzureDevOpsServer(WebApplication app, FakeAzureDevOpsState state, FakeAzureDevOpsOptions options, string rootUrl)
    {
        _app = app;
        _state = state;
        _options = options;
        RootUrl = rootUrl;
    }

    public string RootUrl { get; }

    /// <summary>What <c>TerraFlow:AzureDevOps:OrganizationUrl</c> (and <c>IdentityUrl</c>) point at.</summary>
    public string OrganizationUrl => $"{RootUrl}/{_options.Organization}";

    public string Token => _options.Token;

    public string TokenUser => _options.TokenUser;

    public static async Task<FakeAzureDevOpsServer> StartAsync(FakeAzureDevOpsOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeAzureDevOpsOptions();
        var state = new FakeAzureDevOpsState();
        string root = "";
        var router = new FakeAzureDevOpsRouter(options, state, () => root);
        (var app, root) = await LoopbackApp.StartAsync(router.HandleAsync, ct);
        state.User(options.TokenUser);
        return new FakeAzureDevOpsServer(app, state, options, root);
    }

    public FakeAzDoRepository AddRepository(string project, string repo) => _state.EnsureRepository(project, repo, OrganizationUrl);

    /// <summary>Points the repository's remoteUrl elsewhere, e.g. a local git repository.</summary>
    public void SetRemoteUrl(string project, string repo, string url)
    {
        AddRepository(project, repo);
        _state.SetRemoteUrl(project, repo, url);
    }

    public FakeAzDoPullRequest AddPullRequest(string project, string repo, int id, string headSha, string? baseSha = null,
        string sourceBranch = "feature", string targetBranch = "main", string author = "alice@contoso.com", string status = "active")
    {
        AddRepository(project, repo);
        _state.User(author);
        var pr = new FakeAzDoPullRequest(project, repo, id, headSha, baseSha ?? new string('0', 40), sourceBranch, targetBranch, author, status);
        _state.PutPullRequest(pr);
        return pr;
    }

    public FakeAzDoPullRequest? PullRequest(string project, string repo, int id) =>
        _state.FindRepository(project, repo) is { } r ? _state.FindPullRequest(r, id) : null;

    public void UpdatePullRequest(FakeAzDoPullRequest pr) => _state.PutPullRequest(pr);

    /// <summary>A reviewer's vote as Azure DevOps stores it: 10 approved, 5 approved with suggestions, 0, -5 waiting, -10 rejected.</summary>
    public void SetVote(string project, string repo, int id, string user, int vote) => _state.SetVote(AddRepository(project, repo), id, user, vote);

    /// <summary>The user's allow bits on the repository (<see cref="Read"/>, <see cref="Contribute"/>, <see cref="Administer"/>; 0 removes).</summary>
    public void SetPermission(string project, string repo, string user, int allow) => _state.SetPermission(AddRepository(project, repo), user, allow);

    public void AddGroupMember(string group, string user) => _state.AddGroupMember(group, user);

    public void PutFile(string project, string repo, string path, string content) => _state.PutFile(AddRepository(project, repo), path, content);

    /// <summary>A comment by someone else, in a thread of its own (e.g. a user's command).</summary>
    public FakeAzDoThread AddUserComment(string project, string repo, int pr, string author, string content)
    {
        _state.User(author);
        return _state.AddThread(AddRepository(project, repo), pr, author, content, "text", _options.Time.GetUtcNow());
    }

    public IReadOnlyList<FakeAzDoThread> Threads(string project, string repo, int pr) =>
        _state.FindRepository(project, repo) is { } r ? _state.Threads(r, pr) : [];

    public IReadOnlyList<FakeAzDoThread> AllThreads => _state.AllThreads();

    public IReadOnlyList<FakeAzDoStatus> Statuses => _state.Statuses();

    public IReadOnlyList<FakeAzDoRequest> Requests => _state.Requests();

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="statusCode"/> (Azure DevOps' error body; 401 without one).</summary>
    public void FailNextRequests(int count, int statusCode) => _state.FailNext(count, statusCode);

    public FakeAzDoUser User(string uniqueName) => _state.User(uniqueName);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
