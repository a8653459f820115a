using TerraFlow.Adapters.Webhooks;
using System.Text.Json;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// Turns a GitHub webhook delivery (event name from the <c>X-GitHub-Event</c> header plus the raw JSON body)
/// into the provider-neutral <see cref="VcsEvent"/> the workflow acts on. Verify the signature first.
/// </summary>
public static class GitHubWebhookParser
{
    public const string EventHeader = "X-GitHub-Event";

    /// <exception cref="WebhookPayloadException">The body is not JSON, or a field TerraFlow needs is missing.</exception>
    public static VcsEvent Parse(string eventName, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(eventName))
            throw new WebhookPayloadException($"Missing {EventHeader} header: the event name is required.");

        using var document = ParseDocument(eventName, body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new WebhookPayloadException($"GitHub '{eventName}' payload must be a JSON object.");

        var json = new WebhookJson(document.RootElement, $"GitHub '{eventName}'", message => new WebhookPayloadException(message));
        return eventName switch
        {
            "ping" => new PingEvent(json.String("zen")),
            "pull_request" => ParsePullRequest(json),
            "issue_comment" => ParseIssueComment(json),
            "pull_request_review" => ParsePullRequestReview(json),
            "installation" => new InstallationEvent(
                json.Int64("installation.id"), json.String("action"), json.String("installation.account.login")),
            _ => new IgnoredEvent($"event '{eventName}' is not handled"),
        };
    }

    private static JsonDocument ParseDocument(string eventName, ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            var document = JsonDocument.ParseValue(ref reader);
            // ParseValue stops after the first value; anything but whitespace after it is a corrupt body.
            if (reader.Read())
            {
                document.Dispose();
                throw new WebhookPayloadException($"GitHub '{eventName}' payload has trailing data after the JSON object.");
            }
            return document;
        }
        catch (JsonException ex)
        {
            throw new WebhookPayloadException($"GitHub '{eventName}' payload is not valid JSON: {ex.Message}", ex);
        }
    }

    private static VcsEvent ParsePullRequest(WebhookJson json)
    {
        var action = json.String("action");
        PullRequestAction? mapped = action switch
        {
            "opened" => PullRequestAction.Opened,
            "reopened" => PullRequestAction.Reopened,
            "synchronize" => PullRequestAction.Synchronize,
            "closed" => PullRequestAction.Closed,
            _ => null,
        };
        if (mapped is null) return new IgnoredEvent($"pull_request action '{action}' is not handled");

        var repo = ReadRepo(json);
        // A PR from a fork must be cloned from the fork: the base repository does not have the head branch.
        // head.repo is null when the fork was deleted; the base repo still serves refs/pull/N/head then.
        var cloneUrl = json.OptionalString("pull_request.head.repo.clone_url") ?? json.String("repository.clone_url");
        var info = new PullRequestInfo(
            repo,
            json.Int32("pull_request.number"),
            HeadSha: json.String("pull_request.head.sha"),
            BaseSha: json.String("pull_request.base.sha"),
            HeadRef: json.String("pull_request.head.ref"),
            BaseRef: json.String("pull_request.base.ref"),
            CloneUrl: cloneUrl,
            Author: json.String("pull_request.user.login"),
            Open: json.String("pull_request.state") == "open",
            Merged: json.OptionalBool("pull_request.merged", fallback: false))
        {
            FromFork = IsFork(json),
        };
        return new PullRequestEvent(mapped.Value, info, json.String("sender.login"));
    }

    /// <summary>
    /// The head lives in another repository, or its repository is gone (a deleted fork): either way its author needs no
    /// permission on this one. A missing base repository id cannot be compared, so it counts as a fork too.
    /// </summary>
    private static bool IsFork(WebhookJson json)
    {
        var head = json.OptionalInt64("pull_request.head.repo.id");
        var baseRepo = json.OptionalInt64("pull_request.base.repo.id") ?? json.OptionalInt64("repository.id");
        if (head is null || baseRepo is null) return true;
        if (head != baseRepo) return true;
        // Ids agree; a differing full name still means another repository (ids are what GitHub guarantees unique).
        return json.OptionalString("pull_request.head.repo.full_name") is { } headName
            && json.OptionalString("pull_request.base.repo.full_name") is { } baseName
            && !string.Equals(headName, baseName, StringComparison.OrdinalIgnoreCase);
    }

    private static VcsEvent ParseIssueComment(WebhookJson json)
    {
        var action = json.String("action");
        if (action != "created") return new IgnoredEvent($"issue_comment action '{action}' is not handled");
        // GitHub models PRs as issues; only a PR's issue carries the "pull_request" object.
        if (!json.Has("issue.pull_request"))
            return new IgnoredEvent("comment is on an issue, not a pull request");

        return new PullRequestCommentEvent(
            ReadRepo(json),
            json.Int32("issue.number"),
            json.Int64("comment.id"),
            json.String("comment.user.login"),
            json.OptionalString("comment.body") ?? "")
        {
            CreatedAt = WebhookTimes.Optional(json, "comment.created_at"),
        };
    }

    private static VcsEvent ParsePullRequestReview(WebhookJson json)
    {
        var action = json.String("action");
        // Edits change only the text, and a dismissal is the lifecycle's business once it tracks them: only a
        // newly submitted review can be a new approval.
        if (action != "submitted") return new IgnoredEvent($"pull_request_review action '{action}' is not handled");
        // An approval must name the commit it approved; guessing the PR head could approve a commit nobody reviewed.
        if (json.OptionalString("review.commit_id") is not { Length: > 0 } commit)
            return new IgnoredEvent("pull_request_review has no review.commit_id, so the approved commit is unknown");

        return new PullRequestReviewEvent(
            ReadRepo(json),
            json.Int32("pull_request.number"),
            json.Int64("review.id"),
            // A deleted account shows as a null user; GitHub itself calls it "ghost".
            json.OptionalString("review.user.login") ?? "ghost",
            Approved: string.Equals(json.OptionalString("review.state"), "approved", StringComparison.OrdinalIgnoreCase),
            commit);
    }

    private static RepoRef ReadRepo(WebhookJson json) =>
        new(json.String("repository.owner.login"), json.String("repository.name"), json.OptionalInt64("installation.id"));
}
