using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>The repository-scoped endpoints: pulls, issue comments and commit statuses.</summary>
internal sealed class FakeGitHubRepoEndpoints(FakeGitHubOptions options, FakeGitHubState state, FakeGitHubResponses responses, FakeGitHubIssues issues)
{
    /// <summary>GitHub's limit on issue comment bodies, in characters.</summary>
    public const int MaxCommentLength = 65536;
    public const int MaxStatusDescriptionLength = 140;
    private static readonly string[] StatusStates = ["error", "failure", "pending", "success"];
    private readonly FakeGitHubAccessEndpoints _access = new(state, responses, responses.ApiUrl);

    public FakeResponse Handle(string method, string owner, string repo, string[] rest, HttpRequest request, string body, string login) =>
        (method, rest) switch
        {
            ("GET", ["pulls", var n]) => GetPull(owner, repo, n),
            ("GET", ["issues"]) => issues.List(owner, repo, request),
            ("POST", ["issues"]) => issues.Create(owner, repo, body, login),
            ("GET", ["issues", var n]) => issues.Get(owner, repo, n),
            ("PATCH", ["issues", var n]) => issues.Update(owner, repo, n, body),
            ("GET", ["issues", var n, "comments"]) => ListComments(owner, repo, n, request),
            ("POST", ["issues", var n, "comments"]) => CreateComment(owner, repo, n, body, login),
            ("GET", ["issues", "comments", var id]) => GetComment(owner, repo, id),
            ("PATCH", ["issues", "comments", var id]) => EditComment(owner, repo, id, body),
            ("POST", ["statuses", var sha]) => CreateStatus(owner, repo, sha, body, login),
            ("GET", ["commits", var sha, "statuses"]) => ListStatuses(owner, repo, sha, login),
            ("GET", ["collaborators", var user, "permission"]) => _access.CollaboratorPermission(owner, repo, user),
            _ => NotFound(),
        };

    private FakeResponse GetPull(string owner, string repo, string number) =>
        FindPull(owner, repo, number) is { } pr
            ? new FakeResponse(200, responses.PullRequest(pr, Now))
            : NotFound("/pulls/pulls#get-a-pull-request");

    private FakeResponse ListComments(string owner, string repo, string number, HttpRequest request)
    {
        if (FindThread(owner, repo, number) is not { } pr) return NotFound("/issues/comments#list-issue-comments");

        // GitHub: per_page defaults to 30 and is capped at 100; page starts at 1.
        var perPage = Math.Clamp(QueryInt(request, "per_page") ?? 30, 1, 100);
        var page = Math.Max(QueryInt(request, "page") ?? 1, 1);
        var all = state.CommentsOn(owner, repo, pr.Number);
        var items = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(c => (JsonNode)responses.Comment(c)).ToArray());

        var lastPage = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var headers = new Dictionary<string, string>();
        if (lastPage > 1) headers["Link"] = LinkHeader(request, owner, repo, pr.Number, perPage, page, lastPage);
        return new FakeResponse(200, items, headers);
    }

    private FakeResponse CreateComment(string owner, string repo, string number, string body, string login)
    {
        if (FindThread(owner, repo, number) is not { } pr) return NotFound("/issues/comments#create-an-issue-comment");
        if (ReadCommentBody(body, "/issues/comments#create-an-issue-comment", out var text) is { } invalid) return invalid;

        var comment = state.AddComment(pr.Owner, pr.Repo, pr.Number, text, login, Now);
        var json = responses.Comment(comment);
        return new FakeResponse(201, json, new Dictionary<string, string> { ["Location"] = json["url"]!.GetValue<string>() });
    }

    private FakeResponse GetComment(string owner, string repo, string idText) =>
        long.TryParse(idText, CultureInfo.InvariantCulture, out var id) && state.FindComment(owner, repo, id) is { } comment
            ? new FakeResponse(200, responses.Comment(comment))
            : NotFound("/issues/comments#get-an-issue-comment");

    private FakeResponse EditComment(string owner, string repo, string idText, string body)
    {
        const string docs = "/issues/comments#update-an-issue-comment";
        if (!long.TryParse(idText, CultureInfo.InvariantCulture, out var id) || state.FindComment(owner, repo, id) is null)
            return NotFound(docs);
        if (ReadCommentBody(body, docs, out var text) is { } invalid) return invalid;
        var updated = state.UpdateComment(owner, repo, id, text, Now);
        return updated is null ? NotFound(docs) : new FakeResponse(200, responses.Comment(updated));
    }

    private FakeResponse CreateStatus(string owner, string repo, string sha, string body, string login)
    {
        const string docs = "/commits/statuses#create-a-commit-status";
        var json = FakeGitHubRouter.TryParseObject(body);
        if (json is null) return new FakeResponse(400, FakeGitHubResponses.Error(400, "Problems parsing JSON", docs));

        var stateName = ReadString(json, "state");
        if (stateName is null || !StatusStates.Contains(stateName))
            return Invalid("Status", "state", "state is not included in the list", docs);
        var description = ReadString(json, "description");
        if (description is { Length: > MaxStatusDescriptionLength })
            return Invalid("Status", "description", $"description is too long (maximum is {MaxStatusDescriptionLength} characters)", docs);
        var context = ReadString(json, "context") ?? "default";

        var status = state.AddStatus(owner, repo, sha, context, stateName, description, ReadString(json, "target_url"));
        var response = responses.Status(status, login, Now);
        return new FakeResponse(201, response, new Dictionary<string, string> { ["Location"] = response["url"]!.GetValue<string>() });
    }

    /// <summary>GET /repos/{owner}/{repo}/commits/{ref}/statuses: every status on the commit, newest first (one page).</summary>
    private FakeResponse ListStatuses(string owner, string repo, string sha, string login)
    {
        var items = state.Statuses()
            .Where(s => s.Owner == owner && s.Repo == repo && s.Sha == sha)
            .Reverse()
            .Select(s => (JsonNode)responses.Status(s, login, Now))
            .ToArray();
        return new FakeResponse(200, new JsonArray(items));
    }

    /// <summary>Null when the body holds a usable "body" string; otherwise the 4xx GitHub answers with.</summary>
    private static FakeResponse? ReadCommentBody(string requestBody, string docs, out string text)
    {
        text = "";
        var json = FakeGitHubRouter.TryParseObject(requestBody);
        if (json is null) return new FakeResponse(400, FakeGitHubResponses.Error(400, "Problems parsing JSON", docs));
        if (ReadString(json, "body") is not { } value)
            return new FakeResponse(422, FakeGitHubResponses.Error(422, "Invalid request.\n\n\"body\" wasn't supplied.", docs));
        if (value.Length > MaxCommentLength)
            return Invalid("IssueComment", "body", $"body is too long (maximum is {MaxCommentLength} characters)", docs);
        text = value;
        return null;
    }

    private string LinkHeader(HttpRequest request, string owner, string repo, int number, int perPage, int page, int lastPage)
    {
        // Same form as api.github.com: absolute URLs addressed by repository id, not by name.
        var root = $"{request.Scheme}://{request.Host}{options.PathPrefix.TrimEnd('/')}/repositories/{FakeGitHubResponses.RepoId(owner, repo)}/issues/{number}/comments";
        string Link(int p, string rel) => $"<{root}?per_page={perPage}&page={p}>; rel=\"{rel}\"";
        var links = new List<string>();
        if (page > 1) links.Add(Link(page - 1, "prev"));
        if (page < lastPage) links.Add(Link(page + 1, "next"));
        if (page < lastPage) links.Add(Link(lastPage, "last"));
        if (page > 1) links.Add(Link(1, "first"));
        return string.Join(", ", links);
    }

    /// <summary>A pull request or an issue: both take issue comments, under one number sequence.</summary>
    private (string Owner, string Repo, int Number)? FindThread(string owner, string repo, string number)
    {
        if (FindPull(owner, repo, number) is { } pr) return (pr.Owner, pr.Repo, pr.Number);
        return int.TryParse(number, CultureInfo.InvariantCulture, out var n) && issues.Find(owner, repo, n) is { } issue
            ? (issue.Owner, issue.Repo, issue.Number)
            : null;
    }

    private FakePullRequest? FindPull(string owner, string repo, string number) =>
        int.TryParse(number, CultureInfo.InvariantCulture, out var n) ? state.FindPullRequest(owner, repo, n) : null;

    private DateTimeOffset Now => options.Time.GetUtcNow();

    private static int? QueryInt(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].ToString(), CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? ReadString(JsonObject json, string name) =>
        json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static FakeResponse Invalid(string resource, string field, string message, string docs) =>
        new(422, FakeGitHubResponses.ValidationFailed(resource, field, message, docs));

    private static FakeResponse NotFound(string docs = "") => new(404, FakeGitHubResponses.Error(404, "Not Found", docs));
}
