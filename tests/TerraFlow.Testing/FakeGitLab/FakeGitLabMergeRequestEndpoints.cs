using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TerraFlow.Testing.FakeGitLab;

/// <summary>/projects/:id/merge_requests/:iid and its notes and approvals.</summary>
internal sealed class FakeGitLabMergeRequestEndpoints(FakeGitLabOptions options, FakeGitLabState state, FakeGitLabResponses responses)
{
    /// <summary>GitLab's limit on a note's length.</summary>
    public const int MaxNoteLength = 1_000_000;

    public FakeGitLabResponse Handle(string method, FakeGitLabProject project, int iid, string[] rest, HttpRequest request, string body)
    {
        var mr = state.FindMergeRequest(project.Id, iid);
        if (mr is null) return FakeGitLabRouter.NotFound("404 Not found");
        var now = options.Time.GetUtcNow();
        switch (rest)
        {
            case [] when method == "GET":
                var source = mr.SourceProjectPath is { } fork ? state.FindProject(fork)?.Id ?? project.Id : project.Id;
                return FakeGitLabRouter.Ok(responses.MergeRequest(project, source, mr, now));
            case ["notes"] when method == "GET":
                return ListNotes(project, iid, request);
            case ["notes"] when method == "POST":
                var created = NoteBody(request, body, out var problem);
                if (problem is not null) return problem;
                return new FakeGitLabResponse(201, responses.Note(state.AddNote(project.Id, iid, created!, options.TokenUser, system: false, now)));
            case ["notes", var noteText] when method == "PUT" && long.TryParse(noteText, CultureInfo.InvariantCulture, out var noteId):
                var updated = NoteBody(request, body, out var updateProblem);
                if (updateProblem is not null) return updateProblem;
                var existing = state.NotesOn(project.Id, iid).FirstOrDefault(n => n.Id == noteId);
                if (existing is null) return FakeGitLabRouter.NotFound("404 Note Not Found");
                // Only the author (or an admin) may edit a note; system notes cannot be edited at all.
                if (existing.System || !string.Equals(existing.Author, options.TokenUser, StringComparison.OrdinalIgnoreCase))
                    return new FakeGitLabResponse(403, FakeGitLabResponses.Message("403 Forbidden"));
                return FakeGitLabRouter.Ok(responses.Note(state.UpdateNote(project.Id, iid, noteId, updated!, now)!));
            case ["approvals"] when method == "GET":
                return FakeGitLabRouter.Ok(responses.Approvals(project, mr, state.Approvals(project.Id, iid)));
            default:
                return FakeGitLabRouter.NotFound("404 Not Found");
        }
    }

    private FakeGitLabResponse ListNotes(FakeGitLabProject project, int iid, HttpRequest request)
    {
        // GitLab lists notes newest first unless sort=asc; order_by is created_at (default) or updated_at.
        var ascending = request.Query["sort"].ToString() == "asc";
        var byUpdated = request.Query["order_by"].ToString() == "updated_at";
        var notes = state.NotesOn(project.Id, iid);
        IEnumerable<FakeGitLabNote> ordered = byUpdated
            ? notes.OrderBy(n => n.UpdatedAt).ThenBy(n => n.Id)
            : notes.OrderBy(n => n.CreatedAt).ThenBy(n => n.Id);
        if (!ascending) ordered = ordered.Reverse();
        var (page, perPage) = Pagination.Read(request);
        var all = ordered.ToList();
        var slice = all.Skip((page - 1) * perPage).Take(perPage).Select(n => (JsonNode)responses.Note(n)).ToArray();
        return FakeGitLabRouter.Ok(new JsonArray(slice), Pagination.Headers(request, page, perPage, all.Count));
    }

    private static string? NoteBody(HttpRequest request, string body, out FakeGitLabResponse? problem)
    {
        var fields = FakeGitLabForm.Read(request, body);
        problem = null;
        if (!fields.TryGetValue("body", out var text) || text.Length == 0)
        {
            problem = new FakeGitLabResponse(400, FakeGitLabResponses.Error("body is missing"));
            return null;
        }
        if (text.Length > MaxNoteLength)
        {
            problem = new FakeGitLabResponse(400, new JsonObject
            {
                ["message"] = new JsonObject { ["note"] = new JsonArray((JsonNode)$"is too long (maximum is {MaxNoteLength} characters)") },
            });
            return null;
        }
        return text;
    }
}
