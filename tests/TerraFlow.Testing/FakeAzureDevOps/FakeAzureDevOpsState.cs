namespace TerraFlow.Testing.FakeAzureDevOps;

public sealed record FakeAzDoRepository(string Project, string Name, string Id, string ProjectId, string RemoteUrl);

public sealed record FakeAzDoPullRequest(
    string Project, string Repository, int Id, string HeadSha, string BaseSha, string SourceBranch, string TargetBranch,
    string Author, string Status = "active", string MergeStatus = "succeeded")
{
    public bool FromFork { get; init; }

    /// <summary>Commits of the target branch the source lacks (Diffs - Get: behindCount).</summary>
    public int BehindCount { get; init; }
}

public sealed record FakeAzDoComment(int Id, int ParentCommentId, string Author, string Content, string CommentType, DateTimeOffset Published, DateTimeOffset Updated);

public sealed record FakeAzDoThread(string Project, string Repository, int PullRequestId, int Id, List<FakeAzDoComment> Comments);

/// <summary>A status as received: on a pull request (<see cref="PullRequestId"/>) or on a commit (<see cref="CommitId"/>).</summary>
public sealed record FakeAzDoStatus(int Id, int? PullRequestId, string? CommitId, string State, string Genre, string Name, string Description, string? TargetUrl);

public sealed record FakeAzDoRequest(string Method, string Path, string Query, string? Authorization, string Body, int Status);

public sealed record FakeAzDoUser(string UniqueName, string Id, string Descriptor);

/// <summary>Everything the stand-in serves; one lock, tests are small.</summary>
internal sealed class FakeAzureDevOpsState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, FakeAzDoRepository> _repos = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string, int), FakeAzDoPullRequest> _prs = new();
    private readonly Dictionary<(string, int), Dictionary<string, int>> _votes = new();
    private readonly List<FakeAzDoThread> _threads = [];
    private readonly List<FakeAzDoStatus> _statuses = [];
    private readonly List<FakeAzDoRequest> _requests = [];
    private readonly Dictionary<string, FakeAzDoUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string, string), int> _permissions = new();
    private readonly Dictionary<string, HashSet<string>> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string, string), string> _files = new();
    private int _nextThread = 100;
    private int _nextStatus = 1;

    private static string Key(string project, string repo) => (project + "/" + repo).ToUpperInvariant();

    public T Locked<T>(Func<T> f) { lock (_gate) return f(); }

    public FakeAzDoRepository EnsureRepository(string project, string repo, string rootUrl) => Locked(() =>
    {
        if (_repos.TryGetValue(Key(project, repo), out var known)) return known;
        var existingProject = _repos.Values.FirstOrDefault(r => string.Equals(r.Project, project, StringComparison.OrdinalIgnoreCase));
        var created = new FakeAzDoRepository(project, repo, Guid.NewGuid().ToString(), existingProject?.ProjectId ?? Guid.NewGuid().ToString(),
            $"{rootUrl}/{Uri.EscapeDataString(project)}/_git/{Uri.EscapeDataString(repo)}");
        _repos[Key(project, repo)] = created;
        return created;
    });

    public FakeAzDoRepository? FindRepository(string project, string repoOrId) => Locked(() =>
        _repos.GetValueOrDefault(Key(project, repoOrId))
        ?? _repos.Values.FirstOrDefault(r => string.Equals(r.Id, repoOrId, StringComparison.OrdinalIgnoreCase)
            && (string.Equals(r.Project, project, StringComparison.OrdinalIgnoreCase) || string.Equals(r.ProjectId, project, StringComparison.OrdinalIgnoreCase))));

    public void SetRemoteUrl(string project, string repo, string url) => Locked(() =>
    {
        var r = _repos[Key(project, repo)];
        return _repos[Key(project, repo)] = r with { RemoteUrl = url };
    });

    public void PutPullRequest(FakeAzDoPullRequest pr) => Locked(() => _prs[(Key(pr.Project, pr.Repository), pr.Id)] = pr);

    public FakeAzDoPullRequest? FindPullRequest(FakeAzDoRepository repo, int id) => Locked(() => _prs.GetValueOrDefault((Key(repo.Project, repo.Name), id)));

    public IReadOnlyList<FakeAzDoPullRequest> PullRequests(FakeAzDoRepository repo) =>
        Locked(() => _prs.Where(p => p.Key.Item1 == Key(repo.Project, repo.Name)).Select(p => p.Value).OrderBy(p => p.Id).ToList());

    public void SetVote(FakeAzDoRepository repo, int pr, string user, int vote) => Locked(() =>
    {
        var key = (Key(repo.Project, repo.Name), pr);
        if (!_votes.TryGetValue(key, out var votes)) _votes[key] = votes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        votes[user] = vote;
        return 0;
    });

    public IReadOnlyDictionary<string, int> Votes(FakeAzDoRepository repo, int pr) =>
        Locked(() => (IReadOnlyDictionary<string, int>)new Dictionary<string, int>(_votes.GetValueOrDefault((Key(repo.Project, repo.Name), pr)) ?? [], StringComparer.OrdinalIgnoreCase));

    public FakeAzDoThread AddThread(FakeAzDoRepository repo, int pr, string author, string content, string commentType, DateTimeOffset now) => Locked(() =>
    {
        var thread = new FakeAzDoThread(repo.Project, repo.Name, pr, ++_nextThread, [new FakeAzDoComment(1, 0, author, content, commentType, now, now)]);
        _threads.Add(thread);
        return thread;
    });

    public IReadOnlyList<FakeAzDoThread> Threads(FakeAzDoRepository repo, int pr) => Locked(() =>
        _threads.Where(t => t.PullRequestId == pr && Key(t.Project, t.Repository) == Key(repo.Project, repo.Name))
            .Select(t => t with { Comments = [.. t.Comments] }).ToList());

    public IReadOnlyList<FakeAzDoThread> AllThreads() => Locked(() => _threads.Select(t => t with { Comments = [.. t.Comments] }).ToList());

    /// <summary>Null when the thread or comment does not exist.</summary>
    public FakeAzDoComment? EditComment(FakeAzDoRepository repo, int pr, int thread, int comment, string content, DateTimeOffset now) => Locked(() =>
    {
        var t = _threads.FirstOrDefault(x => x.Id == thread && x.PullRequestId == pr && Key(x.Project, x.Repository) == Key(repo.Project, repo.Name));
        var index = t?.Comments.FindIndex(c => c.Id == comment) ?? -1;
        if (t is null || index < 0) return null;
        var edited = t.Comments[index] with { Content = content, Updated = now };
        t.Comments[index] = edited;
        return edited;
    });

    public FakeAzDoStatus AddStatus(int? pr, string? commit, string state, string genre, string name, string description, string? targetUrl) => Locked(() =>
    {
        var status = new FakeAzDoStatus(_nextStatus++, pr, commit, state, genre, name, description, targetUrl);
        _statuses.Add(status);
        return status;
    });

    public IReadOnlyList<FakeAzDoStatus> Statuses() => Locked(() => _statuses.ToList());

    public FakeAzDoUser User(string uniqueName) => Locked(() =>
    {
        if (_users.TryGetValue(uniqueName, out var known)) return known;
        var id = Guid.NewGuid().ToString();
        return _users[uniqueName] = new FakeAzDoUser(uniqueName, id, $"Microsoft.IdentityModel.Claims.ClaimsIdentity;{Guid.Empty}\\{uniqueName}");
    });

    public FakeAzDoUser? FindUser(string uniqueName) => Locked(() => _users.GetValueOrDefault(uniqueName));

    public FakeAzDoUser? FindUserByDescriptor(string descriptor) => Locked(() => _users.Values.FirstOrDefault(u => string.Equals(u.Descriptor, descriptor, StringComparison.OrdinalIgnoreCase)));

    public void SetPermission(FakeAzDoRepository repo, string user, int allow) => Locked(() => _permissions[(repo.Id, User(user).Id)] = allow);

    public int Permission(string repoId, string userId) => Locked(() => _permissions.GetValueOrDefault((repoId, userId)));

    public void AddGroupMember(string group, string user) => Locked(() =>
    {
        User(user);
        if (!_groups.TryGetValue(group, out var members)) _groups[group] = members = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return members.Add(user);
    });

    public bool GroupExists(string group) => Locked(() => _groups.ContainsKey(group));

    public IReadOnlyList<string> GroupsOf(string user) => Locked(() => _groups.Where(g => g.Value.Contains(user)).Select(g => g.Key).ToList());

    public void PutFile(FakeAzDoRepository repo, string path, string content) => Locked(() => _files[(repo.Id, "/" + path.TrimStart('/'))] = content);

    public string? File(FakeAzDoRepository repo, string path) => Locked(() => _files.GetValueOrDefault((repo.Id, "/" + path.TrimStart('/'))));

    private readonly Queue<int> _failures = new();

    public void FailNext(int count, int status) => Locked(() => { for (var i = 0; i < count; i++) _failures.Enqueue(status); return 0; });

    public int? TakeFailure() => Locked(() => _failures.Count > 0 ? _failures.Dequeue() : (int?)null);

    public void Log(FakeAzDoRequest request) => Locked(() => { _requests.Add(request); return 0; });

    public IReadOnlyList<FakeAzDoRequest> Requests() => Locked(() => _requests.ToList());

    public static string GroupDescriptor(string group) => "Microsoft.TeamFoundation.Identity;S-1-9-1551374245-" + (uint)StringComparer.OrdinalIgnoreCase.GetHashCode(group);
}
