using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>
/// Builds response bodies in GitHub's shapes (modelled on recorded api.github.com responses from octokit.rb's
/// cassettes and the GitHub REST docs), so clients are exercised against the fields the real API sends.
/// </summary>
internal sealed class FakeGitHubResponses(string apiUrl, string webUrl)
{
    private const string DocsRoot = "https://docs.github.com/rest";

    /// <summary>Root of the API URLs in response bodies (includes a GHES "/api/v3" prefix).</summary>
    public string ApiUrl => apiUrl;

    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string NodeId(string prefix, long id) =>
        prefix + Convert.ToBase64String(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture))).TrimEnd('=');

    /// <summary>The numeric id the fake gives a repository (also used in /repositories/{id} pagination links).</summary>
    public static long RepoId(string owner, string repo) => IdFor(owner + "/" + repo);

    // Stable small ids derived from names so repeated calls agree.
    private static long IdFor(string name) => (uint)StringComparer.OrdinalIgnoreCase.GetHashCode(name) % 90_000_000 + 10_000_000;

    public JsonObject User(string login)
    {
        var isBot = login.EndsWith("[bot]", StringComparison.Ordinal);
        var id = IdFor(login);
        return new JsonObject
        {
            ["login"] = login,
            ["id"] = id,
            ["node_id"] = NodeId(isBot ? "BOT_" : "U_", id),
            ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{id}?v=4",
            ["gravatar_id"] = "",
            ["url"] = $"{apiUrl}/users/{login}",
            ["html_url"] = $"{webUrl}/{login}",
            ["followers_url"] = $"{apiUrl}/users/{login}/followers",
            ["following_url"] = $"{apiUrl}/users/{login}/following{{/other_user}}",
            ["gists_url"] = $"{apiUrl}/users/{login}/gists{{/gist_id}}",
            ["starred_url"] = $"{apiUrl}/users/{login}/starred{{/owner}}{{/repo}}",
            ["subscriptions_url"] = $"{apiUrl}/users/{login}/subscriptions",
            ["organizations_url"] = $"{apiUrl}/users/{login}/orgs",
            ["repos_url"] = $"{apiUrl}/users/{login}/repos",
            ["events_url"] = $"{apiUrl}/users/{login}/events{{/privacy}}",
            ["received_events_url"] = $"{apiUrl}/users/{login}/received_events",
            ["type"] = isBot ? "Bot" : "User",
            ["site_admin"] = false,
        };
    }

    public JsonObject Repository(string owner, string repo, string? cloneUrl = null)
    {
        var id = RepoId(owner, repo);
        return new JsonObject
        {
            ["id"] = id,
            ["node_id"] = NodeId("R_", id),
            ["name"] = repo,
            ["full_name"] = $"{owner}/{repo}",
            ["owner"] = User(owner),
            ["private"] = false,
            ["html_url"] = $"{webUrl}/{owner}/{repo}",
            ["description"] = null,
            ["fork"] = false,
            ["url"] = $"{apiUrl}/repos/{owner}/{repo}",
            ["issues_url"] = $"{apiUrl}/repos/{owner}/{repo}/issues{{/number}}",
            ["pulls_url"] = $"{apiUrl}/repos/{owner}/{repo}/pulls{{/number}}",
            ["statuses_url"] = $"{apiUrl}/repos/{owner}/{repo}/statuses/{{sha}}",
            ["git_url"] = $"git://{new Uri(webUrl).Authority}/{owner}/{repo}.git",
            ["ssh_url"] = $"git@{new Uri(webUrl).Host}:{owner}/{repo}.git",
            ["clone_url"] = cloneUrl ?? $"{webUrl}/{owner}/{repo}.git",
            ["svn_url"] = $"{webUrl}/{owner}/{repo}",
            ["default_branch"] = "main",
        };
    }

    public JsonObject PullRequest(FakePullRequest pr, DateTimeOffset now)
    {
        var id = IdFor($"{pr.Owner}/{pr.Repo}#{pr.Number}");
        var apiBase = $"{apiUrl}/repos/{pr.Owner}/{pr.Repo}";
        var htmlBase = $"{webUrl}/{pr.Owner}/{pr.Repo}";
        // A same-repository branch's head repo is the base repo (cloned from HeadCloneUrl when a test sets one); a fork's is the fork.
        var headOwner = pr.ForkOwner ?? pr.Owner;
        var headRepo = Repository(headOwner, pr.Repo, pr.HeadCloneUrl);
        return new JsonObject
        {
            ["url"] = $"{apiBase}/pulls/{pr.Number}",
            ["id"] = id,
            ["node_id"] = NodeId("PR_", id),
            ["html_url"] = $"{htmlBase}/pull/{pr.Number}",
            ["diff_url"] = $"{htmlBase}/pull/{pr.Number}.diff",
            ["patch_url"] = $"{htmlBase}/pull/{pr.Number}.patch",
            ["issue_url"] = $"{apiBase}/issues/{pr.Number}",
            ["number"] = pr.Number,
            ["state"] = pr.Open ? "open" : "closed",
            ["locked"] = false,
            ["title"] = pr.Title,
            ["user"] = User(pr.Author),
            ["body"] = null,
            ["created_at"] = Timestamp(now),
            ["updated_at"] = Timestamp(now),
            ["closed_at"] = pr.Open ? null : Timestamp(now),
            ["merged_at"] = pr.Merged ? Timestamp(now) : null,
            ["merge_commit_sha"] = pr.Merged ? pr.HeadSha : null,
            ["assignee"] = null,
            ["milestone"] = null,
            ["draft"] = false,
            ["commits_url"] = $"{apiBase}/pulls/{pr.Number}/commits",
            ["review_comments_url"] = $"{apiBase}/pulls/{pr.Number}/comments",
            ["review_comment_url"] = $"{apiBase}/pulls/comments{{/number}}",
            ["comments_url"] = $"{apiBase}/issues/{pr.Number}/comments",
            ["statuses_url"] = $"{apiBase}/statuses/{pr.HeadSha}",
            ["head"] = new JsonObject
            {
                ["label"] = $"{headOwner}:{pr.HeadRef}",
                ["ref"] = pr.HeadRef,
                ["sha"] = pr.HeadSha,
                ["user"] = User(headOwner),
                ["repo"] = headRepo,
            },
            ["base"] = new JsonObject
            {
                ["label"] = $"{pr.Owner}:{pr.BaseRef}",
                ["ref"] = pr.BaseRef,
                ["sha"] = pr.BaseSha,
                ["user"] = User(pr.Owner),
                ["repo"] = Repository(pr.Owner, pr.Repo),
            },
            ["_links"] = new JsonObject
            {
                ["self"] = new JsonObject { ["href"] = $"{apiBase}/pulls/{pr.Number}" },
                ["html"] = new JsonObject { ["href"] = $"{htmlBase}/pull/{pr.Number}" },
            },
            ["author_association"] = "OWNER",
            ["merged"] = pr.Merged,
            ["mergeable"] = pr.Open ? pr.Mergeable : null,
            ["mergeable_state"] = pr.Open ? pr.MergeableState : "unknown",
            ["merged_by"] = pr.Merged ? User(pr.Owner) : null,
            ["comments"] = 0,
            ["review_comments"] = 0,
            ["commits"] = 1,
            ["additions"] = 1,
            ["deletions"] = 0,
            ["changed_files"] = 1,
        };
    }

    public JsonObject Comment(FakeComment c) => new()
    {
        ["url"] = $"{apiUrl}/repos/{c.Owner}/{c.Repo}/issues/comments/{c.Id}",
        ["html_url"] = $"{webUrl}/{c.Owner}/{c.Repo}/pull/{c.Number}#issuecomment-{c.Id}",
        ["issue_url"] = $"{apiUrl}/repos/{c.Owner}/{c.Repo}/issues/{c.Number}",
        ["id"] = c.Id,
        ["node_id"] = NodeId("IC_", c.Id),
        ["user"] = User(c.Author),
        ["created_at"] = Timestamp(c.CreatedAt),
        ["updated_at"] = Timestamp(c.UpdatedAt),
        ["author_association"] = c.Author.EndsWith("[bot]", StringComparison.Ordinal) ? "NONE" : "OWNER",
        ["body"] = c.Body,
    };

    public JsonObject Status(FakeStatus s, string creator, DateTimeOffset now) => new()
    {
        ["url"] = $"{apiUrl}/repos/{s.Owner}/{s.Repo}/statuses/{s.Sha}",
        ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{IdFor(creator)}?v=4",
        ["id"] = s.Id,
        ["node_id"] = NodeId("SC_", s.Id),
        ["state"] = s.State,
        ["description"] = s.Description,
        ["target_url"] = s.TargetUrl,
        ["context"] = s.Context,
        ["created_at"] = Timestamp(now),
        ["updated_at"] = Timestamp(now),
        ["creator"] = User(creator),
    };

    public static JsonObject InstallationToken(string token, DateTimeOffset expiresAt) => new()
    {
        ["token"] = token,
        ["expires_at"] = Timestamp(expiresAt),
        ["permissions"] = new JsonObject
        {
            ["contents"] = "read",
            ["issues"] = "write",
            ["pull_requests"] = "write",
            ["statuses"] = "write",
            ["metadata"] = "read",
        },
        ["repository_selection"] = "all",
    };

    public static JsonObject Error(int status, string message, string docsPath = "") => new()
    {
        ["message"] = message,
        ["documentation_url"] = DocsRoot + docsPath,
        ["status"] = status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>GitHub's 422 shape: one "custom" error naming the resource and field.</summary>
    public static JsonObject ValidationFailed(string resource, string field, string message, string docsPath) => new()
    {
        ["message"] = "Validation Failed",
        ["errors"] = new JsonArray(new JsonObject
        {
            ["resource"] = resource,
            ["code"] = "custom",
            ["field"] = field,
            ["message"] = message,
        }),
        ["documentation_url"] = DocsRoot + docsPath,
        ["status"] = "422",
    };
}
