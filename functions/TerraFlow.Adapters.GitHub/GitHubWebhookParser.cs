using TerraFlow.Adapters.Webhooks;
using TerraFlow.Adapters.Webhooks.Validation;
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

        var json = new WebhookJson(document.RootElement, $"GitHub '{eventName}'", message => new WebhookPayloadException(message));
        return eventName switch
        {
            "ping" => new PingEvent(json.String("zen")),
            "pull_request" => ParsePullRequest(json),
            "issue_comment" => ParseIssueComment(json),
            "pull_request_review" => ParsePullRequestReview(json),
            "installation" => new InstallationEvent(
                json.PositiveInt64("installation.id"), json.String("action"), json.Account("installation.account.login")),
            _ => new IgnoredEvent($"event '{eventName}' is not handled"),
        };
    }

    private static JsonDocument ParseDocument(string eventName, ReadOnlySpan<byte> body) =>
        WebhookDocument.Parse(body, $"GitHub '{eventName}'", message => new WebhookPayloadException(message));

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
        var cloneUrl = json.Has("pull_request.head.repo.clone_url") ? json.CloneUrl("pull_request.head.repo.clone_url") : json.CloneUrl("repository.clone_url");
        var info = new PullRequestInfo(
            repo,
            json.PositiveInt32("pull_request.number"),
            HeadSha: json.Sha("pull_request.head.sha"),
            BaseSha: json.Sha("pull_request.base.sha"),
            HeadRef: json.Branch("pull_request.head.ref"),
            BaseRef: json.Branch("pull_request.base.ref"),
            CloneUrl: cloneUrl,
            Author: json.Account("pull_request.user.login"),
            Open: json.String("pull_request.state") == "open",
            Merged: json.OptionalBool("pull_request.merged", fallback: false))
        {
            FromFork = IsFork(json),
        };
        return new PullRequestEvent(mapped.Value, info, json.Account("sender.login"));
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

        var body = json.OptionalText("comment.body") ?? "";
        if (body.Length > WebhookText.MaxCommentChars)
            return new IgnoredEvent($"comment is longer than {WebhookText.MaxCommentChars} characters, so it is not a TerraFlow command");
        return new PullRequestCommentEvent(
            ReadRepo(json),
            json.PositiveInt32("issue.number"),
            json.PositiveInt64("comment.id"),
            json.Account("comment.user.login"),
            body)
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
        if (json.OptionalString("review.commit_id") is not { Length: > 0 })
            return new IgnoredEvent("pull_request_review has no review.commit_id, so the approved commit is unknown");
        var commit = json.Sha("review.commit_id");

        return new PullRequestReviewEvent(
            ReadRepo(json),
            json.PositiveInt32("pull_request.number"),
            json.PositiveInt64("review.id"),
            // A deleted account shows as a null user; GitHub itself calls it "ghost".
            json.Has("review.user.login") ? json.Account("review.user.login") : "ghost",
            Approved: string.Equals(json.OptionalString("review.state"), "approved", StringComparison.OrdinalIgnoreCase),
            commit);
    }

    private static RepoRef ReadRepo(WebhookJson json) =>
        new(json.Account("repository.owner.login"), json.Repository("repository.name"), json.OptionalPositiveInt64("installation.id"));
}
