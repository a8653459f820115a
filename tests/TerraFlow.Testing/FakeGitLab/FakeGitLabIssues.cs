using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TerraFlow.Testing.FakeGitLab;

/// <summary>A project issue as the fake stores it. <see cref="State"/> is "opened" or "closed"; <see cref="Iid"/> counts per project.</summary>
public sealed record FakeGitLabIssue(
    long Id, long ProjectId, int Iid, string Title, string? Description, string Author, IReadOnlyList<string> Labels,
    string State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt);

/// <summary>
/// /projects/:id/issues (list, create), /projects/:id/issues/:iid (get, PUT with <c>state_event</c> close/reopen) and
/// the issue's notes, in GitLab's shapes (API docs "Issues" and "Notes"): parameters as JSON, form or query; labels as
/// a comma-separated string in requests and a string array in answers; <c>{"error": "title is missing"}</c> and
/// <c>{"message": "404 Not found"}</c> errors. Issue iids are their own sequence per project, apart from merge requests'.
/// </summary>
internal sealed class FakeGitLabIssues(FakeGitLabOptions options, FakeGitLabResponses responses)
{
    /// <summary>GitLab's limits on issue titles and descriptions.</summary>
    public const int MaxTitleLength = 255;
    public const int MaxDescriptionLength = 1_048_576;

    private readonly object _gate = new();
    private readonly List<FakeGitLabIssue> _issues = new();
    private readonly List<FakeGitLabNote> _notes = new();
    private long _nextId = 7_000_001;
    private long _nextNoteId = 8_000_001;

    public IReadOnlyList<FakeGitLabIssue> All(long projectId)
    {
        lock (_gate) return _issues.Where(i => i.ProjectId == projectId).OrderBy(i => i.Iid).ToList();
    }

    public IReadOnlyList<FakeGitLabNote> NotesOn(long projectId, int iid)
    {
        lock (_gate) return _notes.Where(n => n.ProjectId == projectId && n.Iid == iid).ToList();
    }

    public FakeGitLabIssue Add(long projectId, string title, string? description, string author, IEnumerable<string> labels)
    {
        var now = options.Time.GetUtcNow();
        lock (_gate)
        {
            var iid = _issues.Where(i => i.ProjectId == projectId).Select(i => i.Iid).DefaultIfEmpty(0).Max() + 1;
            var issue = new FakeGitLabIssue(_nextId++, projectId, iid, title, description, author, labels.Distinct(StringComparer.Ordinal).ToList(),
                "opened", now, now, null);
            _issues.Add(issue);
            return issue;
        }
    }

    public FakeGitLabResponse Handle(string method, FakeGitLabProject project, string[] rest, HttpRequest request, string body)
    {
        switch (rest)
        {
            case [] when method == "GET":
                return List(project, request);
            case [] when method == "POST":
                return Create(project, request, body);
            case [var iidText, .. var issueRest] when int.TryParse(iidText, CultureInfo.InvariantCulture, out var iid):
                var issue = Find(project.Id, iid);
                if (issue is null) return FakeGitLabRouter.NotFound("404 Not found");
                return (method, issueRest) switch
                {
                    ("GET", []) => FakeGitLabRouter.Ok(Json(project, issue)),
                    ("PUT", []) => Update(project, issue, request, body),
                    ("GET", ["notes"]) => ListNotes(project, issue, request),
                    ("POST", ["notes"]) => CreateNote(project, issue, request, body),
                    _ => FakeGitLabRouter.NotFound("404 Not Found"),
                };
            default:
                return FakeGitLabRouter.NotFound("404 Not Found");
        }
    }

    /// <summary>state (opened, closed; default all), labels (all must match), order_by created_at, sort (desc default), page, per_page.</summary>
    private FakeGitLabResponse List(FakeGitLabProject project, HttpRequest request)
    {
        var stateFilter = request.Query["state"].ToString();
        var labels = request.Query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var selected = All(project.Id)
            .Where(i => stateFilter is "" or "all" || i.State == stateFilter)
            .Where(i => labels.All(l => i.Labels.Contains(l, StringComparer.Ordinal)))
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Iid)
            .ToList();
        if (request.Query["sort"].ToString() != "asc") selected.Reverse();
        var (page, perPage) = Pagination.Read(request);
        var slice = selected.Skip((page - 1) * perPage).Take(perPage).Select(i => (JsonNode)Json(project, i)).ToArray();
        return FakeGitLabRouter.Ok(new JsonArray(slice), Pagination.Headers(request, page, perPage, selected.Count));
    }

    private FakeGitLabResponse Create(FakeGitLabProject project, HttpRequest request, string body)
    {
        var fields = FakeGitLabForm.Read(request, body);
        if (!fields.TryGetValue("title", out var title) || title.Length == 0)
            return new FakeGitLabResponse(400, FakeGitLabResponses.Error("title is missing"));
        if (Problem(title, fields.GetValueOrDefault("description")) is { } problem) return problem;
        var issue = Add(project.Id, title, fields.GetValueOrDefault("description"), options.TokenUser, SplitLabels(fields.GetValueOrDefault("labels")));
        return new FakeGitLabResponse(201, Json(project, issue));
    }

    private FakeGitLabResponse Update(FakeGitLabProject project, FakeGitLabIssue issue, HttpRequest request, string body)
    {
        var fields = FakeGitLabForm.Read(request, body);
        if (fields.TryGetValue("state_event", out var stateEvent) && stateEvent is not ("close" or "reopen"))
            return new FakeGitLabResponse(400, FakeGitLabResponses.Error("state_event does not have a valid value"));
        if (Problem(fields.GetValueOrDefault("title"), fields.GetValueOrDefault("description")) is { } problem) return problem;
        var now = options.Time.GetUtcNow();
        lock (_gate)
        {
            var index = _issues.FindIndex(i => i.Id == issue.Id);
            var updated = _issues[index];
            if (fields.TryGetValue("title", out var title) && title.Length > 0) updated = updated with { Title = title };
            if (fields.TryGetValue("description", out var description)) updated = updated with { Description = description };
            if (fields.TryGetValue("labels", out var labels)) updated = updated with { Labels = SplitLabels(labels) };
            // A state_event matching the current state changes nothing, as on GitLab.
            if (stateEvent == "close" && updated.State == "opened") updated = updated with { State = "closed", ClosedAt = now };
            if (stateEvent == "reopen" && updated.State == "closed") updated = updated with { State = "opened", ClosedAt = null };
            _issues[index] = updated = updated with { UpdatedAt = now };
            return FakeGitLabRouter.Ok(Json(project, updated));
        }
    }

    private FakeGitLabResponse ListNotes(FakeGitLabProject project, FakeGitLabIssue issue, HttpRequest request)
    {
        var notes = NotesOn(project.Id, issue.Iid).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToList();
        if (request.Query["sort"].ToString() != "asc") notes.Reverse();
        var (page, perPage) = Pagination.Read(request);
        var slice = notes.Skip((page - 1) * perPage).Take(perPage).Select(n => (JsonNode)Note(n)).ToArray();
        return FakeGitLabRouter.Ok(new JsonArray(slice), Pagination.Headers(request, page, perPage, notes.Count));
    }

    private FakeGitLabResponse CreateNote(FakeGitLabProject project, FakeGitLabIssue issue, HttpRequest request, string body)
    {
        var fields = FakeGitLabForm.Read(request, body);
        if (!fields.TryGetValue("body", out var text) || text.Length == 0)
            return new FakeGitLabResponse(400, FakeGitLabResponses.Error("body is missing"));
        var now = options.Time.GetUtcNow();
        FakeGitLabNote note;
        lock (_gate)
        {
            note = new FakeGitLabNote(_nextNoteId++, project.Id, issue.Iid, text, options.TokenUser, System: false, now, now);
            _notes.Add(note);
        }
        return new FakeGitLabResponse(201, Note(note));
    }

    private JsonObject Json(FakeGitLabProject project, FakeGitLabIssue i)
    {
        var web = $"{new Uri(responses.ApiUrl).GetLeftPart(UriPartial.Authority)}/{project.Path}/-/issues/{i.Iid}";
        return new JsonObject
        {
            ["id"] = i.Id,
            ["iid"] = i.Iid,
            ["project_id"] = i.ProjectId,
            ["title"] = i.Title,
            ["description"] = i.Description,
            ["state"] = i.State,
            ["created_at"] = FakeGitLabResponses.Timestamp(i.CreatedAt),
            ["updated_at"] = FakeGitLabResponses.Timestamp(i.UpdatedAt),
            ["closed_at"] = i.ClosedAt is { } c ? FakeGitLabResponses.Timestamp(c) : null,
            ["closed_by"] = i.ClosedAt is null ? null : responses.User(options.TokenUser),
            ["labels"] = new JsonArray(i.Labels.Select(l => (JsonNode)l).ToArray()),
            ["milestone"] = null,
            ["assignees"] = new JsonArray(),
            ["author"] = responses.User(i.Author),
            ["type"] = "ISSUE",
            ["assignee"] = null,
            ["user_notes_count"] = NotesOn(i.ProjectId, i.Iid).Count,
            ["merge_requests_count"] = 0,
            ["upvotes"] = 0,
            ["downvotes"] = 0,
            ["due_date"] = null,
            ["confidential"] = false,
            ["discussion_locked"] = null,
            ["issue_type"] = "issue",
            ["web_url"] = web,
            ["time_stats"] = new JsonObject { ["time_estimate"] = 0, ["total_time_spent"] = 0, ["human_time_estimate"] = null, ["human_total_time_spent"] = null },
            ["task_completion_status"] = new JsonObject { ["count"] = 0, ["completed_count"] = 0 },
            ["references"] = new JsonObject { ["short"] = $"#{i.Iid}", ["relative"] = $"#{i.Iid}", ["full"] = $"{project.Path}#{i.Iid}" },
            ["severity"] = "UNKNOWN",
            ["_links"] = new JsonObject
            {
                ["self"] = $"{responses.ApiUrl}/projects/{i.ProjectId}/issues/{i.Iid}",
                ["notes"] = $"{responses.ApiUrl}/projects/{i.ProjectId}/issues/{i.Iid}/notes",
                ["award_emoji"] = $"{responses.ApiUrl}/projects/{i.ProjectId}/issues/{i.Iid}/award_emoji",
                ["project"] = $"{responses.ApiUrl}/projects/{i.ProjectId}",
                ["closed_as_duplicate_of"] = null,
            },
        };
    }

    private JsonObject Note(FakeGitLabNote n)
    {
        var json = responses.Note(n);
        json["noteable_type"] = "Issue";
        json["noteable_id"] = Find(n.ProjectId, n.Iid)?.Id;
        return json;
    }

    private FakeGitLabIssue? Find(long projectId, int iid)
    {
        lock (_gate) return _issues.FirstOrDefault(i => i.ProjectId == projectId && i.Iid == iid);
    }

    private static FakeGitLabResponse? Problem(string? title, string? description)
    {
        if (title is { Length: > MaxTitleLength })
            return new FakeGitLabResponse(400, new JsonObject { ["message"] = new JsonObject { ["title"] = new JsonArray((JsonNode)$"is too long (maximum is {MaxTitleLength} characters)") } });
        if (description is { Length: > MaxDescriptionLength })
            return new FakeGitLabResponse(400, new JsonObject { ["message"] = new JsonObject { ["description"] = new JsonArray((JsonNode)$"is too long (maximum is {MaxDescriptionLength} characters)") } });
        return null;
    }

    private static List<string> SplitLabels(string? labels) =>
        (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}
