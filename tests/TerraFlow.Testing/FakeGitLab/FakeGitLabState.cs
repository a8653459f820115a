namespace TerraFlow.Testing.FakeGitLab;

/// <summary>Everything the fake knows, behind one lock (requests arrive on several threads).</summary>
internal sealed class FakeGitLabState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, FakeGitLabProject> _projects = [];
    private readonly Dictionary<(long Project, int Iid), FakeMergeRequest> _mergeRequests = [];
    private readonly List<FakeGitLabNote> _notes = [];
    private readonly List<FakeGitLabStatus> _statuses = [];
    private readonly Dictionary<string, long> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(long Project, long User), int> _projectMembers = [];
    private readonly Dictionary<(string Group, long User), int> _groupMembers = [];
    private readonly HashSet<string> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(long Project, int Iid), List<string>> _approvals = [];
    private readonly List<FakeGitLabRequest> _requests = [];
    private readonly Queue<int> _failures = new();
    private long _nextProjectId = 1000;
    private long _nextNoteId = 5000;
    private long _nextStatusId = 9000;
    private long _nextUserId = 100;

    public FakeGitLabProject EnsureProject(string path, string webRoot)
    {
        lock (_lock)
        {
            var existing = _projects.Values.FirstOrDefault(p => string.Equals(p.Path, path, StringComparison.OrdinalIgnoreCase));
            if (existing is not null) return existing;
            var project = new FakeGitLabProject(++_nextProjectId, path, $"{webRoot}/{path}.git");
            _projects[project.Id] = project;
            // GitLab creates every namespace on the way; the groups then exist (members or not).
            var parts = path.Split('/');
            for (var i = 1; i < parts.Length; i++) _groups.Add(string.Join('/', parts[..i]));
            return project;
        }
    }

    public void SetProjectCloneUrl(string path, string cloneUrl)
    {
        lock (_lock)
        {
            var p = _projects.Values.First(p => string.Equals(p.Path, path, StringComparison.OrdinalIgnoreCase));
            _projects[p.Id] = p with { HttpUrlToRepo = cloneUrl };
        }
    }

    /// <summary>By numeric id or full path (the API accepts both).</summary>
    public FakeGitLabProject? FindProject(string idOrPath)
    {
        lock (_lock)
        {
            if (long.TryParse(idOrPath, out var id)) return _projects.GetValueOrDefault(id);
            return _projects.Values.FirstOrDefault(p => string.Equals(p.Path, idOrPath, StringComparison.OrdinalIgnoreCase));
        }
    }

    public long UserId(string username)
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(username, out var id)) _users[username] = id = ++_nextUserId;
            return id;
        }
    }

    public (long Id, string Username)? FindUser(string username)
    {
        lock (_lock) return _users.TryGetValue(username, out var id) ? (id, _users.Keys.First(k => string.Equals(k, username, StringComparison.OrdinalIgnoreCase))) : null;
    }

    public string? UsernameOf(long id)
    {
        lock (_lock) return _users.FirstOrDefault(u => u.Value == id).Key;
    }

    public void PutMergeRequest(long projectId, FakeMergeRequest mr)
    {
        lock (_lock) _mergeRequests[(projectId, mr.Iid)] = mr;
    }

    public FakeMergeRequest? FindMergeRequest(long projectId, int iid)
    {
        lock (_lock) return _mergeRequests.GetValueOrDefault((projectId, iid));
    }

    public FakeGitLabNote AddNote(long projectId, int iid, string body, string author, bool system, DateTimeOffset now)
    {
        lock (_lock)
        {
            var note = new FakeGitLabNote(++_nextNoteId, projectId, iid, body, author, system, now, now);
            _notes.Add(note);
            return note;
        }
    }

    public FakeGitLabNote? UpdateNote(long projectId, int iid, long noteId, string body, DateTimeOffset now)
    {
        lock (_lock)
        {
            var index = _notes.FindIndex(n => n.Id == noteId && n.ProjectId == projectId && n.Iid == iid);
            if (index < 0) return null;
            return _notes[index] = _notes[index] with { Body = body, UpdatedAt = now };
        }
    }

    public IReadOnlyList<FakeGitLabNote> NotesOn(long projectId, int iid)
    {
        lock (_lock) return _notes.Where(n => n.ProjectId == projectId && n.Iid == iid).ToList();
    }

    public IReadOnlyList<FakeGitLabNote> AllNotes()
    {
        lock (_lock) return _notes.ToList();
    }

    /// <summary>Adds a status, or returns GitLab's transition error when the context already has this state.</summary>
    public (FakeGitLabStatus? Status, string? Error) AddStatus(string projectPath, string sha, string name, string state, string? description, string? targetUrl)
    {
        lock (_lock)
        {
            var last = _statuses.LastOrDefault(s => s.ProjectPath == projectPath && s.Sha == sha && s.Name == name);
            if (last is not null && last.State == state)
            {
                var verb = state switch { "pending" => "enqueue", "running" => "run", "success" => "succeed", "failed" => "drop", _ => "cancel" };
                return (null, $"Cannot transition status via :{verb} from :{last.State} (Reasons(s): Status cannot transition via \"{verb}\")");
            }
            var status = new FakeGitLabStatus(++_nextStatusId, projectPath, sha, name, state, description, targetUrl);
            _statuses.Add(status);
            return (status, null);
        }
    }

    public IReadOnlyList<FakeGitLabStatus> Statuses()
    {
        lock (_lock) return _statuses.ToList();
    }

    public void SetProjectMember(long projectId, long userId, int? level)
    {
        lock (_lock)
        {
            if (level is { } l) _projectMembers[(projectId, userId)] = l;
            else _projectMembers.Remove((projectId, userId));
        }
    }

    public void SetGroupMember(string group, long userId, int? level)
    {
        lock (_lock)
        {
            _groups.Add(group);
            if (level is { } l) _groupMembers[(group.ToLowerInvariant(), userId)] = l;
            else _groupMembers.Remove((group.ToLowerInvariant(), userId));
        }
    }

    public bool GroupExists(string group)
    {
        lock (_lock) return _groups.Contains(group);
    }

    /// <summary>Like GitLab's members/all: the highest level from the group itself or any ancestor group.</summary>
    public int? GroupAccess(string group, long userId)
    {
        lock (_lock)
        {
            int? best = null;
            var parts = group.Split('/');
            for (var i = 1; i <= parts.Length; i++)
                if (_groupMembers.TryGetValue((string.Join('/', parts[..i]).ToLowerInvariant(), userId), out var l) && l > (best ?? -1)) best = l;
            return best;
        }
    }

    /// <summary>Direct project membership or inherited from any group the project sits in, whichever is higher.</summary>
    public int? ProjectAccess(FakeGitLabProject project, long userId)
    {
        int? direct;
        lock (_lock) direct = _projectMembers.TryGetValue((project.Id, userId), out var l) ? l : null;
        var slash = project.Path.LastIndexOf('/');
        var inherited = slash > 0 ? GroupAccess(project.Path[..slash], userId) : null;
        return direct is null ? inherited : inherited is null ? direct : Math.Max(direct.Value, inherited.Value);
    }

    public void SetApprovals(long projectId, int iid, IEnumerable<string> usernames)
    {
        lock (_lock) _approvals[(projectId, iid)] = usernames.ToList();
    }

    public IReadOnlyList<string> Approvals(long projectId, int iid)
    {
        lock (_lock) return _approvals.TryGetValue((projectId, iid), out var list) ? list.ToList() : [];
    }

    public void FailNext(int count, int status)
    {
        lock (_lock) for (var i = 0; i < count; i++) _failures.Enqueue(status);
    }

    public int? TakeFailure()
    {
        lock (_lock) return _failures.TryDequeue(out var status) ? status : null;
    }

    public void Log(FakeGitLabRequest request)
    {
        lock (_lock) _requests.Add(request);
    }

    public IReadOnlyList<FakeGitLabRequest> Requests()
    {
        lock (_lock) return _requests.ToList();
    }
}
