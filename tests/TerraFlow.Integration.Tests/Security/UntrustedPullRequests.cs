using System.Text.Json.Nodes;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>Pull request deliveries from people TerraFlow must not trust, in GitHub's real payload shape.</summary>
internal static class UntrustedPullRequests
{
    /// <summary>
    /// A pull request opened (or pushed to) by <paramref name="author"/>. With <paramref name="forkOwner"/> its head lives
    /// in that user's fork (another repository id and name, cloned from <paramref name="cloneUrl"/>), as GitHub sends it.
    /// </summary>
    public static string GitHub(GitHubWebhooks.PullRequestSpec spec, string author, string? forkOwner)
    {
        var payload = JsonNode.Parse(GitHubWebhooks.PullRequest(spec))!.AsObject();
        var pr = payload["pull_request"]!.AsObject();
        pr["user"]!["login"] = author;
        payload["sender"]!["login"] = author;
        if (forkOwner is not null)
        {
            var head = pr["head"]!["repo"]!.AsObject();
            head["id"] = 999_000_001;
            head["full_name"] = $"{forkOwner}/{spec.Repo}";
            head["owner"]!["login"] = forkOwner;
            head["fork"] = true;
            pr["head"]!["label"] = $"{forkOwner}:{pr["head"]!["ref"]}";
        }
        return payload.ToJsonString();
    }
}
