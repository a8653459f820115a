using System.Text.Json;
using System.Text.RegularExpressions;
using TerraFlow.Adapters.Webhooks;
using TerraFlow.Adapters.Webhooks.Validation;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// Turns an Azure DevOps service hook delivery (publisher <c>tfs</c>; the event name is the body's <c>eventType</c>)
/// into the provider-neutral <see cref="VcsEvent"/>. Verify the credentials first.
/// <c>git.pullrequest.updated</c> does not say what changed; the subscription says it instead, with the notification
/// type it filters on sent back in <see cref="NotificationHeader"/> (see README), which
/// <see cref="AzureDevOpsWebhookSource.ReadEventName"/> appends to the event name after a '/'.
/// </summary>
public static partial class AzureDevOpsWebhookParser
{
    public const string Created = "git.pullrequest.created";
    public const string Updated = "git.pullrequest.updated";
    public const string Merged = "git.pullrequest.merged";
    public const string Commented = "ms.vss-code.git-pullrequest-comment-event";

    /// <summary>The header a <c>git.pullrequest.updated</c> subscription sends with its notification type filter.</summary>
    public const string NotificationHeader = "X-TerraFlow-Notification";

    public const string PushNotification = "PushNotification";
    public const string ReviewerVoteNotification = "ReviewerVoteNotification";
    public const string StatusUpdateNotification = "StatusUpdateNotification";
    public const string ReviewersUpdateNotification = "ReviewersUpdateNotification";

    public static readonly IReadOnlyList<string> Notifications =
        [PushNotification, ReviewerVoteNotification, StatusUpdateNotification, ReviewersUpdateNotification];

    /// <param name="eventName">The body's eventType, optionally followed by "/" and the subscription's notification type.</param>
    /// <exception cref="AzureDevOpsPayloadException">The body is not JSON, or a field TerraFlow needs is missing or implausible.</exception>
    public static VcsEvent Parse(string eventName, ReadOnlySpan<byte> body)
    {
        using var document = WebhookDocument.Parse(body, "Azure DevOps service hook", m => new AzureDevOpsPayloadException(m));
        var json = new WebhookJson(document.RootElement, "Azure DevOps service hook", m => new AzureDevOpsPayloadException(m));
        var eventType = json.String("eventType");
        var slash = eventName.IndexOf('/', StringComparison.Ordinal);
        var notification = slash < 0 ? null : eventName[(slash + 1)..];
        var named = slash < 0 ? eventName : eventName[..slash];
        if (named.Length > 0 && named != eventType)
            throw new AzureDevOpsPayloadException($"Azure DevOps event name '{named}' does not match the body's eventType '{eventType}'.");
        if (json.OptionalString("publisherId") is { } publisher && publisher != "tfs")
            return new IgnoredEvent($"publisher '{publisher}' is not Azure Repos (tfs)");
        try
        {
            return eventType switch
            {
                Created => PullRequestCreated(json.Sub("resource")),
                Updated => PullRequestUpdated(json.Sub("resource"), notification),
                Merged => MergeAttempted(json.Sub("resource")),
                Commented => Comment(json),
                "git.push" => new IgnoredEvent("push events are not needed: git.pullrequest.updated (PushNotification) reports new commits"),
                _ => new IgnoredEvent($"event '{eventType}' is not handled"),
            };
        }
        catch (ArgumentException ex)
        {
            throw new AzureDevOpsPayloadException($"Azure DevOps '{eventType}' payload is not usable: {ex.Message}", ex);
        }
    }

    /// <summary>The body's top-level <c>id</c> (the event id, the same for every retry of one notification) and <c>eventType</c>, or "" when absent; never throws.</summary>
    public static (string Id, string EventType) TryReadEnvelope(ReadOnlySpan<byte> body)
    {
        if (WebhookDocument.Utf8Problem(body) is not null) return ("", "");
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return ("", "");
            return (Read(document.RootElement, "id"), Read(document.RootElement, "eventType"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ("", "");
        }

        static string Read(JsonElement root, string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
    }

    private static VcsEvent PullRequestCreated(WebhookJson pr)
    {
        var status = pr.String("status");
        return status == "active"
            ? PullRequest(pr, PullRequestAction.Opened)
            : new IgnoredEvent($"pull request created with status '{status}'");
    }

    private static VcsEvent PullRequestUpdated(WebhookJson pr, string? notification)
    {
        var status = pr.String("status");
        switch (status)
        {
            case "completed":
                return PullRequest(pr, PullRequestAction.Closed, merged: true);
            case "abandoned":
                return PullRequest(pr, PullRequestAction.Closed);
            case "active":
                break;
            default:
                return new IgnoredEvent($"pull request updated with status '{status}'");
        }
        return notification switch
        {
            ReviewerVoteNotification => Votes(pr),
            ReviewersUpdateNotification => new IgnoredEvent("reviewers changed: nothing to plan"),
            // Active again after being abandoned.
            StatusUpdateNotification => PullRequest(pr, PullRequestAction.Reopened),
            // A push to the source branch (a new iteration), or a subscription without the header: plan the current head.
            _ => PullRequest(pr, PullRequestAction.Synchronize),
        };
    }

    /// <summary>"Merge attempted": sent also when the merge failed (status stays active, mergeStatus conflicts…).</summary>
    private static VcsEvent MergeAttempted(WebhookJson pr)
    {
        var status = pr.String("status");
        var mergeStatus = pr.OptionalString("mergeStatus");
        return status == "completed" && mergeStatus is null or "succeeded"
            ? PullRequest(pr, PullRequestAction.Closed, merged: true)
            : new IgnoredEvent($"merge attempt did not complete the pull request (status '{status}', mergeStatus '{mergeStatus}')");
    }

    private static PullRequestEvent PullRequest(WebhookJson pr, PullRequestAction action, bool merged = false)
    {
        var author = pr.Checked("createdBy.uniqueName", pr.String("createdBy.uniqueName"), AzureDevOpsNames.AccountProblem);
        var status = pr.String("status");
        var info = new PullRequestInfo(
            Repository(pr, "repository"),
            pr.PositiveInt32("pullRequestId"),
            HeadSha: pr.Sha("lastMergeSourceCommit.commitId"),
            BaseSha: pr.Has("lastMergeTargetCommit.commitId") ? pr.Sha("lastMergeTargetCommit.commitId") : "",
            HeadRef: Branch(pr, "sourceRefName"),
            BaseRef: Branch(pr, "targetRefName"),
            CloneUrl: CloneUrl(pr, "repository.remoteUrl"),
            Author: author,
            Open: status == "active",
            Merged: merged)
        {
            FromFork = pr.Has("forkSource"),
        };
        // Pull request events do not say who acted; the author stands in (trusted only with write access).
        return new PullRequestEvent(action, info, author);
    }

    /// <summary>Every reviewer (not a group) whose vote approves: 10 approved, 5 approved with suggestions; never the author.</summary>
    private static VcsEvent Votes(WebhookJson pr)
    {
        var repo = Repository(pr, "repository");
        var number = pr.PositiveInt32("pullRequestId");
        var head = pr.Sha("lastMergeSourceCommit.commitId");
        var author = pr.String("createdBy.uniqueName");
        var approvers = new List<string>();
        if (pr.Find("reviewers") is { ValueKind: JsonValueKind.Array } reviewers)
        {
            foreach (var reviewer in reviewers.EnumerateArray())
            {
                if (reviewer.ValueKind != JsonValueKind.Object) continue;
                var r = new WebhookJson(reviewer, "Azure DevOps reviewer", m => new AzureDevOpsPayloadException(m));
                if (r.OptionalBool("isContainer", fallback: false)) continue;
                if (!r.Has("vote") || r.Int32("vote") < AzureDevOpsClient.ApprovedWithSuggestionsVote) continue;
                var name = r.Checked("uniqueName", r.String("uniqueName"), AzureDevOpsNames.AccountProblem);
                if (!string.Equals(name, author, StringComparison.OrdinalIgnoreCase)) approvers.Add(name);
            }
        }
        return new PullRequestApprovalsEvent(repo, number, approvers.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), head);
    }

    private static VcsEvent Comment(WebhookJson json)
    {
        // 1.0 sends only the comment; its links name the repository by id, not by project and name.
        if (!json.Has("resource.pullRequest"))
            return new IgnoredEvent("pull request comment events of resource version 1.0 do not name the pull request; create the subscription with resource version 2.0");
        var comment = json.Sub("resource.comment");
        var pr = json.Sub("resource.pullRequest");
        if (comment.OptionalBool("isDeleted", fallback: false)) return new IgnoredEvent("comment deleted");
        var type = comment.OptionalString("commentType") ?? "text";
        if (type != "text") return new IgnoredEvent($"comment type '{type}' is Azure DevOps' own activity, not a command");
        // Edits arrive as the same event with the same comment id; intake ignores a comment id it has seen, so an
        // edited command never runs twice (the payload's dates do not tell edits apart reliably).
        var body = comment.OptionalText("content") ?? "";
        if (body.Length > WebhookText.MaxCommentChars)
            return new IgnoredEvent($"comment is longer than {WebhookText.MaxCommentChars} characters, so it is not a TerraFlow command");

        var number = pr.PositiveInt32("pullRequestId");
        var self = comment.Url("_links.self.href");
        var match = CommentLink().Match(self);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, out var thread) || !long.TryParse(match.Groups[2].Value, out var id))
            throw new AzureDevOpsPayloadException("Azure DevOps comment field '_links.self.href' does not name a thread and comment.");
        var author = comment.Checked("author.uniqueName", comment.String("author.uniqueName"), AzureDevOpsNames.AccountProblem);
        return new PullRequestCommentEvent(Repository(pr, "repository"), number, AzureDevOpsCommentIds.Compose(number, thread, id), author, body)
        {
            CreatedAt = WebhookTimes.Optional(comment, "publishedDate"),
        };
    }

    private static RepoRef Repository(WebhookJson pr, string path)
    {
        var project = pr.Checked($"{path}.project.name", pr.String($"{path}.project.name"), AzureDevOpsNames.NameProblem);
        var name = pr.Checked($"{path}.name", pr.String($"{path}.name"), AzureDevOpsNames.NameProblem);
        return new RepoRef(project, name);
    }

    private static string Branch(WebhookJson pr, string path) =>
        pr.Checked(path, AzureDevOpsNames.BranchOf(pr.String(path)), WebhookNames.BranchProblem);

    /// <summary>remoteUrl without the organization Azure DevOps writes as user name; the host must be the configured organization's (CloneUrlPolicy).</summary>
    private static string CloneUrl(WebhookJson pr, string path)
    {
        var raw = pr.Find(path) is { ValueKind: JsonValueKind.String } v ? v.GetString() ?? "" : throw pr.Missing(path);
        return pr.Checked(path, AzureDevOpsNames.CloneUrlOf(raw), WebhookUrls.CloneSourceProblem);
    }

    [GeneratedRegex(@"/threads/(\d{1,10})/comments/(\d{1,10})$", RegexOptions.CultureInvariant)]
    private static partial Regex CommentLink();
}

internal static class AzureDevOpsWebhookJson
{
    /// <summary>The object at <paramref name="path"/> as its own reader (400 naming the field when it is missing or not an object).</summary>
    public static WebhookJson Sub(this WebhookJson json, string path)
    {
        var value = json.Find(path) ?? throw json.Missing(path);
        if (value.ValueKind != JsonValueKind.Object)
            throw new AzureDevOpsPayloadException($"Azure DevOps service hook payload field '{path}' is not an object.");
        return new WebhookJson(value, $"Azure DevOps service hook '{path}'", m => new AzureDevOpsPayloadException(m));
    }
}
