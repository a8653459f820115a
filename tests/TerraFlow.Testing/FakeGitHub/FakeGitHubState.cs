namespace TerraFlow.Testing.FakeGitHub;

/// <summary>
/// Everything the fake remembers. One lock guards it all: tests are small and correctness beats throughput here.
/// </summary>
internal sealed class FakeGitHubState
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Owner, string Repo, int Number), FakePullRequest> _pulls = new();
    private readonly HashSet<(string Owner, string Repo)> _repos = new();
    private readonly Dictionary<long, (string Owner, string Repo)> _reposById = new();
    private readonly List<FakeComment> _comments = new();
    private readonly List<FakeStatus> _statuses = new();
    private readonly List<FakeRequest> _requests = new();
    private readonly Dictionary<string, (long InstallationId, DateTimeOffset ExpiresAt)> _installationTokens = new();
    private readonly Dictionary<long, int> _tokenRequests = new();
    private readonly Dictionary<(string Owner, string Repo, string User), FakeCollaborator> _collaborators = new();
    private readonly Dictionary<(string Org, string Team, string User), (string State, string Role)> _teamMembers = new();
    private readonly Dictionary<string, string> _everywhere = new();
    private long _nextCommentId = 1_000_000_001;
    private long _nextStatusId = 5_000_000_001;
    private int _failuresLeft;
    private Func<DateTimeOffset, FakeResponse>? _failure;

    // GitHub matches owner and repository names case-insensitively.
    private static (string, string) Key(string owner, string repo) => (owner.ToLowerInvariant(), repo.ToLowerInvariant());

    public void AddRepository(string owner, string repo)
    {
        lock (_gate) AddRepositoryLocked(owner, repo);
    }

    private void AddRepositoryLocked(string owner, string repo)
    {
        if (_repos.Add(Key(owner, repo)))
            _reposById[FakeGitHubResponses.RepoId(owner, repo)] = (owner, repo);
    }

    public (string Owner, string Repo)? RepositoryById(long id)
    {
        lock (_gate) return _reposById.TryGetValue(id, out var r) ? r : null;
    }

    public bool RepositoryExists(string owner, string repo)
    {
        lock (_gate) return _repos.Contains(Key(owner, repo));
    }

    public void PutPullRequest(FakePullRequest pr)
    {
        lock (_gate)
        {
            var (o, r) = Key(pr.Owner, pr.Repo);
            AddRepositoryLocked(pr.Owner, pr.Repo);
            _pulls[(o, r, pr.Number)] = pr;
        }
    }

    public FakePullRequest? FindPullRequest(string owner, string repo, int number)
    {
        var (o, r) = Key(owner, repo);
        lock (_gate) return _pulls.GetValueOrDefault((o, r, number));
    }

    /// <summary>Sets the pull request's mergeability; false when there is no such pull request.</summary>
    public bool SetMergeability(string owner, string repo, int number, bool? mergeable, string mergeableState)
    {
        var (o, r) = Key(owner, repo);
        lock (_gate)
        {
            if (!_pulls.TryGetValue((o, r, number), out var pr)) return false;
            _pulls[(o, r, number)] = pr with { Mergeable = mergeable, MergeableState = mergeableState };
            return true;
        }
    }

    public void PutCollaborator(FakeCollaborator collaborator)
    {
        lock (_gate)
        {
            AddRepositoryLocked(collaborator.Owner, collaborator.Repo);
            var (o, r) = Key(collaborator.Owner, collaborator.Repo);
            _collaborators[(o, r, collaborator.User.ToLowerInvariant())] = collaborator;
        }
    }

    public FakeCollaborator? FindCollaborator(string owner, string repo, string user)
    {
        var (o, r) = Key(owner, repo);
        lock (_gate)
            return _collaborators.GetValueOrDefault((o, r, user.ToLowerInvariant()))
                ?? (_everywhere.TryGetValue(user.ToLowerInvariant(), out var role) ? new FakeCollaborator(owner, repo, user, role, "read") : null);
    }

    /// <summary>A role on every repository (like an organization's base permission); a repository's own setting wins.</summary>
    public void PutRoleEverywhere(string user, string role)
    {
        lock (_gate) _everywhere[user.ToLowerInvariant()] = role;
    }

    /// <summary>Sets (state "active"/"pending") or, with a null state, removes a team membership.</summary>
    public void SetTeamMembership(string org, string team, string user, string? state, string role)
    {
        var key = (org.ToLowerInvariant(), team.ToLowerInvariant(), user.ToLowerInvariant());
        lock (_gate)
        {
            if (state is null) _teamMembers.Remove(key);
            else _teamMembers[key] = (state, role);
        }
    }

    public (string State, string Role)? FindTeamMembership(string org, string team, string user)
    {
        lock (_gate)
            return _teamMembers.TryGetValue((org.ToLowerInvariant(), team.ToLowerInvariant(), user.ToLowerInvariant()), out var m) ? m : null;
    }

    public FakeComment AddComment(string owner, string repo, int number, string body, string author, DateTimeOffset now)
    {
        lock (_gate)
        {
            var comment = new FakeComment(_nextCommentId++, owner, repo, number, body, author, now, now);
            _comments.Add(comment);
            return comment;
        }
    }

    public FakeComment? FindComment(string owner, string repo, long id)
    {
        lock (_gate)
            return _comments.FirstOrDefault(c => c.Id == id && SameRepo(c.Owner, c.Repo, owner, repo));
    }

    public FakeComment? UpdateComment(string owner, string repo, long id, string body, DateTimeOffset now)
    {
        lock (_gate)
        {
            var index = _comments.FindIndex(c => c.Id == id && SameRepo(c.Owner, c.Repo, owner, repo));
            if (index < 0) return null;
            return _comments[index] = _comments[index] with { Body = body, UpdatedAt = now };
        }
    }

    public IReadOnlyList<FakeComment> CommentsOn(string owner, string repo, int number)
    {
        lock (_gate)
            return _comments.Where(c => c.Number == number && SameRepo(c.Owner, c.Repo, owner, repo)).ToList();
    }

    public IReadOnlyList<FakeComment> AllComments()
    {
        lock (_gate) return _comments.ToList();
    }

    public FakeStatus AddStatus(string owner, string repo, string sha, string context, string state, string? description, string? targetUrl)
    {
        lock (_gate)
        {
            var status = new FakeStatus(_nextStatusId++, owner, repo, sha, context, state, description, targetUrl);
            _statuses.Add(status);
            return status;
        }
    }

    public IReadOnlyList<FakeStatus> Statuses()
    {
        lock (_gate) return _statuses.ToList();
    }

    public void Log(FakeRequest request)
    {
        lock (_gate) _requests.Add(request);
    }

    public IReadOnlyList<FakeRequest> Requests()
    {
        lock (_gate) return _requests.ToList();
    }

    public void IssueInstallationToken(string token, long installationId, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            _installationTokens[token] = (installationId, expiresAt);
            _tokenRequests[installationId] = _tokenRequests.GetValueOrDefault(installationId) + 1;
        }
    }

    public bool IsLiveInstallationToken(string token, DateTimeOffset now)
    {
        lock (_gate) return _installationTokens.TryGetValue(token, out var t) && t.ExpiresAt > now;
    }

    public int TokenRequestCount(long? installationId)
    {
        lock (_gate)
            return installationId is { } id ? _tokenRequests.GetValueOrDefault(id) : _tokenRequests.Values.Sum();
    }

    /// <summary>The next <paramref name="count"/> requests are answered by <paramref name="failure"/> (given the time of the answer).</summary>
    public void FailNext(int count, Func<DateTimeOffset, FakeResponse> failure)
    {
        lock (_gate)
        {
            _failuresLeft = count;
            _failure = failure;
        }
    }

    /// <summary>Consumes one injected failure, if any are left.</summary>
    public Func<DateTimeOffset, FakeResponse>? TakeFailure()
    {
        lock (_gate)
        {
            if (_failuresLeft <= 0) return null;
            _failuresLeft--;
            return _failure;
        }
    }

    private static bool SameRepo(string o1, string r1, string o2, string r2) =>
        string.Equals(o1, o2, StringComparison.OrdinalIgnoreCase) && string.Equals(r1, r2, StringComparison.OrdinalIgnoreCase);
}
