using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>An issue as the fake stores it. <see cref="State"/> is "open" or "closed".</summary>
public sealed record FakeIssue(
    long Id, string Owner, string Repo, int Number, string Title, string? Body, string Author, IReadOnlyList<string> Labels,
    string State, string? StateReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt);

/// <summary>
/// The issues of the fake's repositories (GET/POST /repos/{o}/{r}/issues, GET/PATCH /repos/{o}/{r}/issues/{n}), in
/// the shapes of api.github.com (octokit.rb's recorded "create an issue" answer and the REST docs). Issue numbers
/// share one sequence with pull requests per repository, as on GitHub. Its own lock.
/// </summary>
internal sealed class FakeGitHubIssues(FakeGitHubOptions options, FakeGitHubState state, FakeGitHubResponses responses)
{
    /// <summary>GitHub's limit on issue titles.</summary>
    public const int MaxTitleLength = 256;

    private readonly object _gate = new();
    private readonly List<FakeIssue> _issues = new();
    private long _nextId = 2_000_000_001;

    public IReadOnlyList<FakeIssue> All(string owner, string repo)
    {
        lock (_gate) return _issues.Where(i => Same(i, owner, repo)).OrderBy(i => i.Number).ToList();
    }

    public FakeIssue? Find(string owner, string repo, int number)
    {
        lock (_gate) return _issues.FirstOrDefault(i => Same(i, owner, repo) && i.Number == number);
    }

    public FakeIssue Add(string owner, string repo, string title, string? body, string author, IEnumerable<string> labels, bool open = true)
    {
        state.AddRepository(owner, repo);
        var now = options.Time.GetUtcNow();
        lock (_gate)
        {
            var number = 1;
            while (_issues.Any(i => Same(i, owner, repo) && i.Number == number) || state.FindPullRequest(owner, repo, number) is not null) number++;
            var issue = new FakeIssue(_nextId++, owner, repo, number, title, body, author, labels.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                open ? "open" : "closed", open ? null : "completed", now, now, open ? null : now);
            _issues.Add(issue);
            return issue;
        }
    }

    public FakeResponse Get(string owner, string repo, string numberText) =>
        int.TryParse(numberText, CultureInfo.InvariantCulture, out var n) && Find(owner, repo, n) is { } issue
            ? new FakeResponse(200, Json(issue))
            : NotFound("/issues/issues#get-an-issue");

    /// <summary>GET /repos/{o}/{r}/issues: state (open default, closed, all), labels (all must match), sort=created, direction, per_page, page.</summary>
    public FakeResponse List(string owner, string repo, HttpRequest request)
    {
        var stateFilter = request.Query["state"].ToString() is { Length: > 0 } s ? s : "open";
        var labels = request.Query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ascending = request.Query["direction"].ToString() == "asc";
        var selected = All(owner, repo)
            .Where(i => stateFilter == "all" || i.State == stateFilter)
            .Where(i => labels.All(l => i.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Number)
            .ToList();
        if (!ascending) selected.Reverse();
        var perPage = Math.Clamp(QueryInt(request, "per_page") ?? 30, 1, 100);
        var page = Math.Max(QueryInt(request, "page") ?? 1, 1);
        var items = new JsonArray(selected.Skip((page - 1) * perPage).Take(perPage).Select(i => (JsonNode)Json(i)).ToArray());
        var lastPage = Math.Max(1, (selected.Count + perPage - 1) / perPage);
        var headers = new Dictionary<string, string>();
        if (lastPage > 1) headers["Link"] = LinkHeader(request, page, perPage, lastPage);
        return new FakeResponse(200, items, headers);
    }

    public FakeResponse Create(string owner, string repo, string body, string login)
    {
        const string docs = "/issues/issues#create-an-issue";
        var json = FakeGitHubRouter.TryParseObject(body);
        if (json is null) return new FakeResponse(400, FakeGitHubResponses.Error(400, "Problems parsing JSON", docs));
        if (Text(json, "title") is not { Length: > 0 } title)
            return new FakeResponse(422, FakeGitHubResponses.ValidationFailed("Issue", "title", "title wasn't supplied", docs));
        if (Problem(json, title, docs) is { } problem) return problem;
        var issue = Add(owner, repo, title, Text(json, "body"), login, Labels(json) ?? []);
        var response = Json(issue);
        return new FakeResponse(201, response, new Dictionary<string, string> { ["Location"] = response["url"]!.GetValue<string>() });
    }

    /// <summary>PATCH: only the fields sent change; "labels" replaces the set; state "open"/"closed" with state_reason.</summary>
    public FakeResponse Update(string owner, string repo, string numberText, string body)
    {
        const string docs = "/issues/issues#update-an-issue";
        if (!int.TryParse(numberText, CultureInfo.InvariantCulture, out var number)) return NotFound(docs);
        var json = FakeGitHubRouter.TryParseObject(body);
        if (json is null) return new FakeResponse(400, FakeGitHubResponses.Error(400, "Problems parsing JSON", docs));
        var newState = Text(json, "state");
        if (newState is not null and not ("open" or "closed"))
            return new FakeResponse(422, FakeGitHubResponses.ValidationFailed("Issue", "state", "state is not included in the list", docs));
        if (Problem(json, Text(json, "title"), docs) is { } problem) return problem;
        var now = options.Time.GetUtcNow();
        lock (_gate)
        {
            var index = _issues.FindIndex(i => Same(i, owner, repo) && i.Number == number);
            if (index < 0) return NotFound(docs);
            var issue = _issues[index];
            if (Text(json, "title") is { Length: > 0 } title) issue = issue with { Title = title };
            if (json.ContainsKey("body")) issue = issue with { Body = Text(json, "body") };
            if (Labels(json) is { } labels) issue = issue with { Labels = labels.Distinct(StringComparer.OrdinalIgnoreCase).ToList() };
            if (newState is not null && newState != issue.State)
                issue = newState == "closed"
                    ? issue with { State = "closed", StateReason = Text(json, "state_reason") ?? "completed", ClosedAt = now }
                    : issue with { State = "open", StateReason = "reopened", ClosedAt = null };
            _issues[index] = issue = issue with { UpdatedAt = now };
            return new FakeResponse(200, Json(issue));
        }
    }

    /// <summary>The issue in GitHub's shape (as the REST API returns it from GET, POST and PATCH).</summary>
    public JsonObject Json(FakeIssue i)
    {
        var apiBase = $"{responses.ApiUrl}/repos/{i.Owner}/{i.Repo}";
        var web = new Uri(responses.ApiUrl).GetLeftPart(UriPartial.Authority);
        return new JsonObject
        {
            ["url"] = $"{apiBase}/issues/{i.Number}",
            ["repository_url"] = apiBase,
            ["labels_url"] = $"{apiBase}/issues/{i.Number}/labels{{/name}}",
            ["comments_url"] = $"{apiBase}/issues/{i.Number}/comments",
            ["events_url"] = $"{apiBase}/issues/{i.Number}/events",
            ["html_url"] = $"{web}/{i.Owner}/{i.Repo}/issues/{i.Number}",
            ["id"] = i.Id,
            ["node_id"] = FakeGitHubResponses.NodeId("I_", i.Id),
            ["number"] = i.Number,
            ["title"] = i.Title,
            ["user"] = responses.User(i.Author),
            ["labels"] = new JsonArray(i.Labels.Select(l => (JsonNode)Label(i.Owner, i.Repo, l)).ToArray()),
            ["state"] = i.State,
            ["locked"] = false,
            ["assignee"] = null,
            ["assignees"] = new JsonArray(),
            ["milestone"] = null,
            ["comments"] = state.CommentsOn(i.Owner, i.Repo, i.Number).Count,
            ["created_at"] = FakeGitHubResponses.Timestamp(i.CreatedAt),
            ["updated_at"] = FakeGitHubResponses.Timestamp(i.UpdatedAt),
            ["closed_at"] = i.ClosedAt is { } c ? FakeGitHubResponses.Timestamp(c) : null,
            ["author_association"] = i.Author.EndsWith("[bot]", StringComparison.Ordinal) ? "NONE" : "OWNER",
            ["active_lock_reason"] = null,
            ["body"] = i.Body,
            ["closed_by"] = i.ClosedAt is null ? null : responses.User(i.Author),
            ["timeline_url"] = $"{apiBase}/issues/{i.Number}/timeline",
            ["state_reason"] = i.StateReason,
        };
    }

    private JsonObject Label(string owner, string repo, string name)
    {
        var id = (uint)StringComparer.OrdinalIgnoreCase.GetHashCode($"{owner}/{repo}:{name}") % 900_000_000 + 100_000_000;
        return new JsonObject
        {
            ["id"] = id,
            ["node_id"] = FakeGitHubResponses.NodeId("LA_", id),
            ["url"] = $"{responses.ApiUrl}/repos/{owner}/{repo}/labels/{Uri.EscapeDataString(name)}",
            ["name"] = name,
            ["color"] = "ededed",
            ["default"] = false,
            ["description"] = null,
        };
    }

    private static FakeResponse? Problem(JsonObject json, string? title, string docs)
    {
        if (title is { Length: > MaxTitleLength })
            return new FakeResponse(422, FakeGitHubResponses.ValidationFailed("Issue", "title", $"title is too long (maximum is {MaxTitleLength} characters)", docs));
        if (Text(json, "body") is { Length: > FakeGitHubRepoEndpoints.MaxCommentLength })
            return new FakeResponse(422, FakeGitHubResponses.ValidationFailed("Issue", "body", $"body is too long (maximum is {FakeGitHubRepoEndpoints.MaxCommentLength} characters)", docs));
        return null;
    }

    private static List<string>? Labels(JsonObject json) => json["labels"] is JsonArray array
        // Labels are names, or objects with a name (both are accepted by GitHub).
        ? array.Select(n => n is JsonObject o ? Text(o, "name") : n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList()
        : null;

    private string LinkHeader(HttpRequest request, int page, int perPage, int lastPage)
    {
        var query = request.Query.Where(q => q.Key is not ("page" or "per_page"))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}").ToList();
        var root = $"{request.Scheme}://{request.Host}{request.Path}";
        string Link(int p, string rel) => $"<{root}?{string.Join('&', query.Append($"per_page={perPage}").Append($"page={p}"))}>; rel=\"{rel}\"";
        var links = new List<string>();
        if (page > 1) links.Add(Link(page - 1, "prev"));
        if (page < lastPage) links.Add(Link(page + 1, "next"));
        if (page < lastPage) links.Add(Link(lastPage, "last"));
        if (page > 1) links.Add(Link(1, "first"));
        return string.Join(", ", links);
    }

    private static bool Same(FakeIssue i, string owner, string repo) =>
        string.Equals(i.Owner, owner, StringComparison.OrdinalIgnoreCase) && string.Equals(i.Repo, repo, StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? QueryInt(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].ToString(), CultureInfo.InvariantCulture, out var value) ? value : null;

    private static FakeResponse NotFound(string docs) => new(404, FakeGitHubResponses.Error(404, "Not Found", docs));
}
