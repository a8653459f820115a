using TerraFlow.Adapters.Webhooks;
using TerraFlow.Adapters.Webhooks.Validation;
using System.Text.Json;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// Turns a GitLab webhook delivery (the <c>X-Gitlab-Event</c> header plus the raw JSON body) into the
/// provider-neutral <see cref="VcsEvent"/> the workflow acts on. Verify the token first.
/// </summary>
public static class GitLabWebhookParser
{
    public const string EventHeader = "X-Gitlab-Event";
    public const string MergeRequestHook = "Merge Request Hook";
    public const string NoteHook = "Note Hook";

    /// <exception cref="GitLabPayloadException">The body is not JSON, or a field TerraFlow needs is missing.</exception>
    public static VcsEvent Parse(string eventName, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(eventName))
            throw new GitLabPayloadException($"Missing {EventHeader} header: the event name is required.");

        using var document = ParseDocument(eventName, body);
        var json = new WebhookJson(document.RootElement, $"GitLab '{eventName}'", message => new GitLabPayloadException(message));
        try
        {
            return eventName switch
            {
                MergeRequestHook => ParseMergeRequest(ExpectKind(json, "merge_request")),
                NoteHook => ParseNote(ExpectKind(json, "note")),
                // Merge requests arrive as their own hook; a push to a branch has nothing to plan by itself.
                "Push Hook" => new IgnoredEvent("push events are not needed: merge request events report new commits"),
                _ => new IgnoredEvent($"event '{eventName}' is not handled"),
            };
        }
        catch (ArgumentException ex)
        {
            // A project path without a namespace, or ids out of range: readable JSON that names nothing usable.
            throw new GitLabPayloadException($"GitLab '{eventName}' payload is not usable: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The project's full path ("group/sub/infra") if the body is a JSON object that names one, else null. Used to pick
    /// a per-project secret before the body is trusted, so it never throws.
    /// </summary>
    public static string? TryReadProjectPath(ReadOnlySpan<byte> body)
    {
        // Invalid text is refused by Parse after verification; here it only means "no project named".
        if (WebhookDocument.Utf8Problem(body) is not null) return null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("project", out var project) && project.ValueKind == JsonValueKind.Object
                && project.TryGetProperty("path_with_namespace", out var path) && path.ValueKind == JsonValueKind.String
                ? path.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a lone surrogate in the path; not a project anyone configured.
            return null;
        }
    }

    private static JsonDocument ParseDocument(string eventName, ReadOnlySpan<byte> body) =>
        WebhookDocument.Parse(body, $"GitLab '{eventName}'", message => new GitLabPayloadException(message));

    /// <summary>The header and the body's object_kind must agree; a mismatch is a forged or corrupted delivery.</summary>
    private static WebhookJson ExpectKind(WebhookJson json, string kind)
    {
        var actual = json.String("object_kind");
        if (actual != kind)
            throw new GitLabPayloadException($"GitLab payload object_kind '{actual}' does not match the {EventHeader} header (expected '{kind}').");
        return json;
    }

    private static VcsEvent ParseMergeRequest(WebhookJson json)
    {
        var action = json.OptionalString("object_attributes.action");
        switch (action)
        {
            case "open":
                return PullRequest(json, PullRequestAction.Opened);
            case "reopen":
                return PullRequest(json, PullRequestAction.Reopened);
            case "merge":
                return PullRequest(json, PullRequestAction.Closed, merged: true);
            case "close":
                return PullRequest(json, PullRequestAction.Closed);
            case "update":
                if (json.OptionalString("object_attributes.state") is { } state && state != "opened")
                    return new IgnoredEvent($"merge request updated while {state}");
                return MergeRequestChanges.HasNewCode(json)
                    ? PullRequest(json, PullRequestAction.Synchronize)
                    : new IgnoredEvent("merge request updated without new commits");
            // "approval" is one user approving; "approved" is the merge request becoming fully approved (and, before
            // GitLab 16, the only approval event). Both name the approver in "user": counting both is safe because a
            // second approval by the same person is a no-op in the workflow.
            case "approval" or "approved":
                return Approval(json);
            case "unapproval" or "unapproved":
                return new IgnoredEvent($"merge request {action}: revoking an approval is not tracked; re-plan with a new commit or `terraflow plan`");
            case null:
                throw json.Missing("object_attributes.action");
            default:
                return new IgnoredEvent($"merge request action '{action}' is not handled");
        }
    }

    private static PullRequestEvent PullRequest(WebhookJson json, PullRequestAction action, bool merged = false)
    {
        var repo = Project(json);
        // Real hooks always carry the state; some recorded ones omit it, and the action says it just as well.
        var state = json.OptionalString("object_attributes.state") ?? (action == PullRequestAction.Closed ? (merged ? "merged" : "closed") : "opened");
        var info = new PullRequestInfo(
            repo,
            json.PositiveInt32("object_attributes.iid"),
            HeadSha: json.Sha("object_attributes.last_commit.id"),
            // Merge request hooks carry no base commit (only the target branch); the API's diff_refs.base_sha has it.
            BaseSha: "",
            HeadRef: json.Branch("object_attributes.source_branch"),
            BaseRef: json.Branch("object_attributes.target_branch"),
            CloneUrl: CloneUrl(json),
            Author: MergeRequestChanges.AuthorUsername(json),
            Open: state == "opened",
            Merged: merged || state == "merged")
        {
            FromFork = IsFork(json),
        };
        return new PullRequestEvent(action, info, Sender(json));
    }

    /// <summary>
    /// Always the project itself (the merge request's target), also for a merge request from a fork: GitLab keeps the
    /// fork's commits under <c>refs/merge-requests/IID/head</c> of the target, and the runner fetches the head commit
    /// by SHA. Taking the fork's URL from the body would let a hook signed with project A's own secret name any other
    /// project B as "the fork" and have it cloned with TerraFlow's token (CloneUrlPolicy requires the project's URL).
    /// </summary>
    private static string CloneUrl(WebhookJson json) => json.CloneUrl("project.git_http_url");

    /// <summary>The source branch lives in another project (a fork); an unreadable pair of ids counts as a fork.</summary>
    private static bool IsFork(WebhookJson json)
    {
        var source = json.OptionalInt64("object_attributes.source_project_id");
        var target = json.OptionalInt64("object_attributes.target_project_id");
        return source is null || target is null || source != target;
    }

    private static VcsEvent Approval(WebhookJson json)
    {
        // An approval must name the commit it approved; guessing could approve a commit nobody reviewed.
        if (json.OptionalString("object_attributes.last_commit.id") is not { Length: > 0 })
            return new IgnoredEvent("merge request approval has no object_attributes.last_commit.id, so the approved commit is unknown");
        var commit = json.Sha("object_attributes.last_commit.id");
        return new PullRequestReviewEvent(
            Project(json),
            json.PositiveInt32("object_attributes.iid"),
            // GitLab approvals have no id of their own.
            ReviewId: 0,
            Reviewer: Sender(json),
            Approved: true,
            CommitSha: commit);
    }

    private static VcsEvent ParseNote(WebhookJson json)
    {
        var noteableType = json.String("object_attributes.noteable_type");
        if (noteableType != "MergeRequest")
            return new IgnoredEvent($"comment is on a {noteableType}, not a merge request");
        if (json.OptionalBool("object_attributes.system", fallback: false))
            return new IgnoredEvent("system notes are GitLab's own activity, not commands");
        // GitLab 16.11+ also sends "update" for edited notes; an edit is not a new command (GitHub: only "created").
        var action = json.OptionalString("object_attributes.action");
        if (action is not null && action != "create")
            return new IgnoredEvent($"note action '{action}' is not handled");

        var note = json.OptionalText("object_attributes.note") ?? "";
        if (note.Length > WebhookText.MaxCommentChars)
            return new IgnoredEvent($"comment is longer than {WebhookText.MaxCommentChars} characters, so it is not a TerraFlow command");
        var iid = json.PositiveInt32("merge_request.iid");
        return new PullRequestCommentEvent(
            Project(json),
            iid,
            GitLabNoteIds.Compose(iid, json.PositiveInt64("object_attributes.id")),
            Sender(json),
            note)
        {
            CreatedAt = WebhookTimes.Optional(json, "object_attributes.created_at"),
        };
    }

    private static string Sender(WebhookJson json) => json.Account("user.username");

    /// <summary>The project as namespace and path, each a plausible name (see WebhookNames).</summary>
    private static RepoRef Project(WebhookJson json)
    {
        const string field = "project.path_with_namespace";
        var repo = GitLabPaths.RepoFromPath(json.String(field));
        json.Checked(field, repo.Owner, WebhookNames.NamespaceProblem);
        json.Checked(field, repo.Name, WebhookNames.RepositoryProblem);
        return repo;
    }
}
