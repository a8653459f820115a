using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TerraFlow.Testing.FakeAzureDevOps;

/// <summary>
/// Routes Azure DevOps REST 7.1 requests (paths compared case-insensitively, as Azure DevOps does) with its auth
/// (Basic with a PAT, any user; or Bearer with an Entra token), its api-version check and its error bodies
/// (<c>{"$id":"1","message":…,"typeKey":…,"errorCode":0,"eventId":3000}</c>).
/// </summary>
internal sealed class FakeAzureDevOpsRouter(FakeAzureDevOpsOptions options, FakeAzureDevOpsState state, Func<string> rootUrl)
{
    private sealed record Answer(int Status, JsonNode? Body);

    public async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
            body = await reader.ReadToEndAsync(context.RequestAborted);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var path = raw.Split('?')[0];
        var authorization = context.Request.Headers.Authorization.ToString();
        var answer = Dispatch(context.Request, path, authorization, body);
        state.Log(new FakeAzDoRequest(context.Request.Method, path, context.Request.QueryString.Value ?? "", authorization, body, answer.Status));
        context.Response.StatusCode = answer.Status;
        context.Response.Headers["ActivityId"] = Guid.NewGuid().ToString();
        context.Response.Headers["X-TFS-ProcessId"] = Guid.NewGuid().ToString();
        if (answer.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8; api-version=7.1";
            await context.Response.WriteAsync(answer.Body.ToJsonString(), context.RequestAborted);
        }
    }

    private Answer Dispatch(HttpRequest request, string rawPath, string authorization, string body)
    {
        if (state.TakeFailure() is { } failure)
            return failure switch
            {
                401 => new Answer(401, null),
                429 => Error(429, "Request was blocked due to exceeding usage of resource 'Concurrency' in namespace 'User'.", "RequestBlockedException"),
                _ => Error(failure, "TF400898: An Internal Error Occurred.", "InternalServerException"),
            };
        if (!Authenticated(authorization)) return new Answer(401, null);
        var version = request.Query["api-version"].ToString();
        if (version.Length == 0)
            return Error(400, "No api-version was supplied for the \"" + request.Method + "\" request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. '?api-version=1.0').", "VssVersionNotSpecifiedException");
        if (!version.StartsWith("7.1", StringComparison.Ordinal))
            return Error(400, $"The requested REST API version of {version} is out of range for this server. The latest REST API version this server supports is 7.1.", "VssVersionOutOfRangeException");

        var s = rawPath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (s.Length < 3 || !s[0].Equals(options.Organization, StringComparison.OrdinalIgnoreCase))
            return Error(404, "The controller for path '" + rawPath + "' was not found or does not implement IController.", "HttpException");
        bool Is(int i, string word) => s.Length > i && s[i].Equals(word, StringComparison.OrdinalIgnoreCase);
        var method = request.Method;

        if (Is(1, "_apis"))
        {
            if (s.Length == 3 && Is(2, "connectionData") && method == "GET") return new Answer(200, ConnectionData());
            if (s.Length == 3 && Is(2, "identities") && method == "GET") return Identities(request);
            if (s.Length == 4 && Is(2, "accesscontrollists") && method == "GET") return AccessControlLists(request, s[3]);
            return Error(404, "API resource location was not found.", "ApiResourceNotFoundException");
        }
        // {org}/{project}/_apis/git/repositories/{repo}/…
        if (s.Length < 6 || !Is(2, "_apis") || !Is(3, "git") || !Is(4, "repositories"))
            return Error(404, "API resource location was not found.", "ApiResourceNotFoundException");
        var repo = state.FindRepository(s[1], s[5]);
        if (repo is null)
            return Error(404, $"TF401019: The Git repository with name or identifier {s[5]} does not exist or you do not have permissions for the operation you are attempting.", "GitRepositoryNotFoundException");
        if (s.Length == 6 && method == "GET") return new Answer(200, Repository(repo));
        if (s.Length == 7 && Is(6, "items") && method == "GET") return Item(repo, request);
        if (s.Length == 7 && Is(6, "pullrequests") && method == "GET") return PullRequestList(repo, request);
        if (s.Length == 8 && Is(6, "diffs") && Is(7, "commits") && method == "GET") return Diffs(repo, request);
        if (s.Length == 9 && Is(6, "commits") && Is(8, "statuses"))
            return method == "POST" ? CreateStatus(null, s[7], body) : method == "GET" ? StatusList(st => st.CommitId == s[7]) : NotAllowed();
        if (!Is(6, "pullrequests") || s.Length < 8) return Error(404, "API resource location was not found.", "ApiResourceNotFoundException");
        if (!int.TryParse(s[7], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || state.FindPullRequest(repo, number) is not { } pr)
            return Error(404, $"TF401180: The requested pull request was not found.", "GitPullRequestNotFoundException");
        if (s.Length == 8 && method == "GET") return new Answer(200, PullRequest(repo, pr));
        if (s.Length == 9 && Is(8, "threads"))
            return method == "GET" ? ThreadList(repo, number) : method == "POST" ? CreateThread(repo, number, body) : NotAllowed();
        if (s.Length == 12 && Is(8, "threads") && Is(10, "comments") && method == "PATCH")
            return EditComment(repo, number, s[9], s[11], body);
        if (s.Length == 9 && Is(8, "statuses"))
            return method == "POST" ? CreateStatus(number, null, body) : method == "GET" ? StatusList(st => st.PullRequestId == number) : NotAllowed();
        if (s.Length == 10 && Is(8, "reviewers") && method == "PUT") return Vote(repo, number, s[9], body);
        return Error(404, "API resource location was not found.", "ApiResourceNotFoundException");
    }

    private bool Authenticated(string authorization)
    {
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            return options.EntraToken is { } entra && authorization["Bearer ".Length..] == entra;
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            // Azure DevOps takes a PAT as the password with any user name, also an empty one.
            return colon >= 0 && decoded[(colon + 1)..] == options.Token;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static Answer NotAllowed() => Error(405, "The requested resource does not support http method.", "HttpException");

    private static Answer Error(int status, string message, string typeKey) => new(status, new JsonObject
    {
        ["$id"] = "1",
        ["innerException"] = null,
        ["message"] = message,
        ["typeName"] = $"Microsoft.TeamFoundation.Git.Server.{typeKey}, Microsoft.TeamFoundation.Git.Server",
        ["typeKey"] = typeKey,
        ["errorCode"] = 0,
        ["eventId"] = 3000,
    });

    private static JsonObject IdentityRef(FakeAzDoUser user) => new()
    {
        ["displayName"] = user.UniqueName.Split('@')[0],
        ["url"] = $"https://spsprodweu5.vssps.visualstudio.com/_apis/Identities/{user.Id}",
        ["id"] = user.Id,
        ["uniqueName"] = user.UniqueName,
        ["imageUrl"] = $"https://dev.azure.com/_api/_common/identityImage?id={user.Id}",
        ["descriptor"] = "aad." + Convert.ToBase64String(Encoding.UTF8.GetBytes(user.Id)),
    };

    private JsonObject ConnectionData()
    {
        var me = state.User(options.TokenUser);
        JsonObject Identity() => new()
        {
            ["id"] = me.Id,
            ["descriptor"] = me.Descriptor,
            ["subjectDescriptor"] = "aad." + Convert.ToBase64String(Encoding.UTF8.GetBytes(me.Id)),
            ["providerDisplayName"] = "TerraFlow",
            ["isActive"] = true,
            ["properties"] = new JsonObject { ["Account"] = new JsonObject { ["$type"] = "System.String", ["$value"] = me.UniqueName } },
            ["resourceVersion"] = 2,
            ["metaTypeId"] = 0,
        };
        return new JsonObject
        {
            ["authenticatedUser"] = Identity(),
            ["authorizedUser"] = Identity(),
            ["instanceId"] = "d0d2a4d6-6b2d-4b8c-9a5a-3a1c1f1e2b3c",
            ["deploymentId"] = "a1b2c3d4-0000-0000-0000-000000000000",
            ["deploymentType"] = "hosted",
            ["locationServiceData"] = new JsonObject { ["serviceOwner"] = "00025394-6065-48ca-87d9-7f5672854ef7", ["defaultAccessMappingMoniker"] = "PublicAccessMapping", ["lastChangeId"] = 1, ["lastChangeId64"] = 1 },
        };
    }

    private Answer Identities(HttpRequest request)
    {
        var filter = request.Query["searchFilter"].ToString();
        var value = request.Query["filterValue"].ToString();
        var membership = request.Query["queryMembership"].ToString();
        if (filter.Length == 0 || value.Length == 0)
            return Error(400, "Either descriptors, subjectDescriptors, identityIds or searchFilter and filterValue must be specified.", "ArgumentException");
        var list = new JsonArray();
        var expanded = membership.Equals("Expanded", StringComparison.OrdinalIgnoreCase) || membership.Equals("Direct", StringComparison.OrdinalIgnoreCase);
        if (state.FindUser(value) is { } user)
        {
            var memberOf = new JsonArray();
            if (expanded) foreach (var g in state.GroupsOf(user.UniqueName)) memberOf.Add(FakeAzureDevOpsState.GroupDescriptor(g));
            list.Add(new JsonObject
            {
                ["id"] = user.Id,
                ["descriptor"] = user.Descriptor,
                ["subjectDescriptor"] = "aad." + Convert.ToBase64String(Encoding.UTF8.GetBytes(user.Id)),
                ["providerDisplayName"] = user.UniqueName.Split('@')[0],
                ["isActive"] = true,
                ["members"] = new JsonArray(),
                ["memberOf"] = memberOf,
                ["memberIds"] = new JsonArray(),
                ["properties"] = new JsonObject
                {
                    ["SchemaClassName"] = new JsonObject { ["$type"] = "System.String", ["$value"] = "User" },
                    ["Account"] = new JsonObject { ["$type"] = "System.String", ["$value"] = user.UniqueName },
                    ["Mail"] = new JsonObject { ["$type"] = "System.String", ["$value"] = user.UniqueName },
                },
                ["resourceVersion"] = 2,
                ["metaTypeId"] = 0,
            });
        }
        else if (state.GroupExists(value))
        {
            list.Add(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["descriptor"] = FakeAzureDevOpsState.GroupDescriptor(value),
                ["providerDisplayName"] = value,
                ["isActive"] = true,
                ["isContainer"] = true,
                ["members"] = new JsonArray(),
                ["memberOf"] = new JsonArray(),
                ["properties"] = new JsonObject
                {
                    ["SchemaClassName"] = new JsonObject { ["$type"] = "System.String", ["$value"] = "Group" },
                    ["Account"] = new JsonObject { ["$type"] = "System.String", ["$value"] = value },
                },
                ["resourceVersion"] = 2,
                ["metaTypeId"] = 255,
            });
        }
        return new Answer(200, new JsonObject { ["count"] = list.Count, ["value"] = list });
    }

    private Answer AccessControlLists(HttpRequest request, string securityNamespace)
    {
        var token = request.Query["token"].ToString();
        var descriptors = request.Query["descriptors"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var parts = token.Split('/');
        if (!securityNamespace.Equals("2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87", StringComparison.OrdinalIgnoreCase) || parts.Length != 3 || parts[0] != "repoV2")
            return new Answer(200, new JsonObject { ["count"] = 0, ["value"] = new JsonArray() });
        var aces = new JsonObject();
        var extended = request.Query["includeExtendedInfo"].ToString().Equals("true", StringComparison.OrdinalIgnoreCase);
        foreach (var descriptor in descriptors)
        {
            if (state.FindUserByDescriptor(descriptor) is not { } user) continue;
            var allow = state.Permission(parts[2], user.Id);
            var ace = new JsonObject { ["descriptor"] = descriptor, ["allow"] = allow, ["deny"] = 0 };
            if (extended) ace["extendedInfo"] = new JsonObject { ["effectiveAllow"] = allow, ["effectiveDeny"] = 0, ["inheritedAllow"] = 0, ["inheritedDeny"] = 0 };
            aces[descriptor] = ace;
        }
        var acl = new JsonObject { ["inheritPermissions"] = true, ["token"] = token, ["acesDictionary"] = aces };
        return new Answer(200, new JsonObject { ["count"] = 1, ["value"] = new JsonArray(acl) });
    }

    private JsonObject Repository(FakeAzDoRepository repo) => new()
    {
        ["id"] = repo.Id,
        ["name"] = repo.Name,
        ["url"] = $"{rootUrl()}/{options.Organization}/{repo.ProjectId}/_apis/git/repositories/{repo.Id}",
        ["project"] = new JsonObject { ["id"] = repo.ProjectId, ["name"] = repo.Project, ["state"] = "wellFormed", ["visibility"] = "private" },
        ["defaultBranch"] = "refs/heads/main",
        ["remoteUrl"] = repo.RemoteUrl,
        ["webUrl"] = $"{rootUrl()}/{options.Organization}/{Uri.EscapeDataString(repo.Project)}/_git/{Uri.EscapeDataString(repo.Name)}",
        ["isDisabled"] = false,
    };

    private JsonObject PullRequest(FakeAzDoRepository repo, FakeAzDoPullRequest pr)
    {
        var reviewers = new JsonArray();
        foreach (var (user, vote) in state.Votes(repo, pr.Id))
        {
            var r = IdentityRef(state.User(user));
            r["reviewerUrl"] = $"{rootUrl()}/{options.Organization}/_apis/git/repositories/{repo.Id}/pullRequests/{pr.Id}/reviewers/{state.User(user).Id}";
            r["vote"] = vote;
            r["hasDeclined"] = false;
            r["isFlagged"] = false;
            reviewers.Add(r);
        }
        var json = new JsonObject
        {
            ["repository"] = Repository(repo),
            ["pullRequestId"] = pr.Id,
            ["codeReviewId"] = pr.Id,
            ["status"] = pr.Status,
            ["createdBy"] = IdentityRef(state.User(pr.Author)),
            ["creationDate"] = "2026-12-07T03:00:00.000Z",
            ["title"] = $"Pull request {pr.Id}",
            ["description"] = "",
            ["sourceRefName"] = "refs/heads/" + pr.SourceBranch,
            ["targetRefName"] = "refs/heads/" + pr.TargetBranch,
            ["mergeStatus"] = pr.MergeStatus,
            ["isDraft"] = false,
            ["mergeId"] = Guid.NewGuid().ToString(),
            ["lastMergeSourceCommit"] = new JsonObject { ["commitId"] = pr.HeadSha, ["url"] = $"{rootUrl()}/{options.Organization}/_apis/git/repositories/{repo.Id}/commits/{pr.HeadSha}" },
            ["lastMergeTargetCommit"] = new JsonObject { ["commitId"] = pr.BaseSha, ["url"] = $"{rootUrl()}/{options.Organization}/_apis/git/repositories/{repo.Id}/commits/{pr.BaseSha}" },
            ["reviewers"] = reviewers,
            ["url"] = $"{rootUrl()}/{options.Organization}/{repo.ProjectId}/_apis/git/repositories/{repo.Id}/pullRequests/{pr.Id}",
            ["supportsIterations"] = true,
        };
        if (pr.FromFork) json["forkSource"] = new JsonObject { ["name"] = "refs/heads/" + pr.SourceBranch, ["repository"] = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = repo.Name + "-fork" } };
        return json;
    }

    private Answer PullRequestList(FakeAzDoRepository repo, HttpRequest request)
    {
        var status = request.Query["searchCriteria.status"].ToString();
        var top = int.TryParse(request.Query["$top"], CultureInfo.InvariantCulture, out var t) ? t : 101;
        var list = new JsonArray();
        foreach (var pr in state.PullRequests(repo).Where(p => status is "" or "all" || p.Status.Equals(status, StringComparison.OrdinalIgnoreCase)).Take(top))
            list.Add(PullRequest(repo, pr));
        return new Answer(200, new JsonObject { ["value"] = list, ["count"] = list.Count });
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A GitPullRequestCommentThread; <c>_links</c> only in the answer to its creation, as in the real examples.</summary>
    private JsonObject Thread(FakeAzDoThread thread, bool links = false)
    {
        var comments = new JsonArray();
        foreach (var c in thread.Comments)
        {
            comments.Add(new JsonObject
            {
                ["id"] = c.Id,
                ["parentCommentId"] = c.ParentCommentId,
                ["author"] = IdentityRef(state.User(c.Author)),
                ["content"] = c.Content,
                ["publishedDate"] = Time(c.Published),
                ["lastUpdatedDate"] = Time(c.Updated),
                ["commentType"] = c.CommentType,
                ["usersLiked"] = new JsonArray(),
            });
        }
        var first = thread.Comments.FirstOrDefault();
        var json = new JsonObject
        {
            ["pullRequestThreadContext"] = null,
            ["id"] = thread.Id,
            ["publishedDate"] = first is null ? null : Time(first.Published),
            ["lastUpdatedDate"] = first is null ? null : Time(thread.Comments.Max(c => c.Updated)),
            ["comments"] = comments,
            ["threadContext"] = null,
            ["properties"] = new JsonObject(),
            ["isDeleted"] = false,
        };
        if (links) json["_links"] = new JsonObject { ["self"] = new JsonObject { ["href"] = $"{rootUrl()}/{options.Organization}/_apis/git/repositories/x/pullRequests/{thread.PullRequestId}/threads/{thread.Id}" } };
        return json;
    }

    private Answer ThreadList(FakeAzDoRepository repo, int pr)
    {
        var list = new JsonArray();
        foreach (var t in state.Threads(repo, pr)) list.Add(Thread(t));
        return new Answer(200, new JsonObject { ["value"] = list, ["count"] = list.Count });
    }

    private Answer CreateThread(FakeAzDoRepository repo, int pr, string body)
    {
        JsonNode? json;
        try { json = JsonNode.Parse(body); }
        catch (JsonException) { return Error(400, "Value cannot be null.\r\nParameter name: newThread", "ArgumentNullException"); }
        var first = json?["comments"] is JsonArray { Count: > 0 } comments ? comments[0] : null;
        var content = first?["content"]?.GetValue<string>();
        if (content is null) return Error(400, "The comment content cannot be null or empty.", "InvalidArgumentValueException");
        if (content.Length > 150_000) return Error(400, "The comment content is too long. The maximum length is 150000 characters.", "InvalidArgumentValueException");
        var type = first!["commentType"] switch
        {
            JsonValue v when v.TryGetValue<int>(out var n) => n switch { 1 => "text", 2 => "codeChange", 3 => "system", _ => "unknown" },
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            _ => "text",
        };
        var thread = state.AddThread(repo, pr, options.TokenUser, content, type, options.Time.GetUtcNow());
        return new Answer(200, Thread(thread, links: true));
    }

    private Answer EditComment(FakeAzDoRepository repo, int pr, string threadId, string commentId, string body)
    {
        if (!int.TryParse(threadId, CultureInfo.InvariantCulture, out var thread) || !int.TryParse(commentId, CultureInfo.InvariantCulture, out var comment))
            return Error(404, "TF401181: The pull request comment thread was not found.", "GitPullRequestCommentThreadNotFoundException");
        var content = JsonNode.Parse(body)?["content"]?.GetValue<string>();
        if (content is null) return Error(400, "The comment content cannot be null or empty.", "InvalidArgumentValueException");
        var existing = state.Threads(repo, pr).FirstOrDefault(t => t.Id == thread)?.Comments.FirstOrDefault(c => c.Id == comment);
        if (existing is null) return Error(404, "TF401181: The pull request comment thread was not found.", "GitPullRequestCommentThreadNotFoundException");
        // Only the author may edit a comment.
        if (!existing.Author.Equals(options.TokenUser, StringComparison.OrdinalIgnoreCase))
            return Error(403, "TF401185: You can only edit comments that you authored.", "GitPullRequestCommentNotAuthorizedException");
        var edited = state.EditComment(repo, pr, thread, comment, content, options.Time.GetUtcNow())!;
        return new Answer(200, new JsonObject
        {
            ["id"] = edited.Id,
            ["parentCommentId"] = edited.ParentCommentId,
            ["author"] = IdentityRef(state.User(edited.Author)),
            ["content"] = edited.Content,
            ["publishedDate"] = Time(edited.Published),
            ["lastUpdatedDate"] = Time(edited.Updated),
            ["commentType"] = edited.CommentType,
        });
    }

    private static readonly string[] States = ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"];

    private Answer CreateStatus(int? pr, string? commit, string body)
    {
        var json = JsonNode.Parse(body);
        var stateName = json?["state"]?.GetValue<string>();
        var name = json?["context"]?["name"]?.GetValue<string>();
        var genre = json?["context"]?["genre"]?.GetValue<string>() ?? "";
        if (stateName is null || !States.Contains(stateName, StringComparer.OrdinalIgnoreCase))
            return Error(400, "The status state is not valid.", "InvalidArgumentValueException");
        if (string.IsNullOrEmpty(name)) return Error(400, "The status context name cannot be null or empty.", "InvalidArgumentValueException");
        var status = state.AddStatus(pr, commit, stateName, genre, name, json?["description"]?.GetValue<string>() ?? "", json?["targetUrl"]?.GetValue<string>());
        return new Answer(pr is null ? 201 : 200, Status(status));
    }

    /// <summary>A GitPullRequestStatus carries id and updatedDate; a commit's GitStatus, in the real examples, neither.</summary>
    private JsonObject Status(FakeAzDoStatus s)
    {
        var json = new JsonObject();
        if (s.PullRequestId is not null) json["id"] = s.Id;
        json["state"] = s.State;
        json["description"] = s.Description;
        json["context"] = new JsonObject { ["name"] = s.Name, ["genre"] = s.Genre };
        json["creationDate"] = Time(options.Time.GetUtcNow());
        if (s.PullRequestId is not null) json["updatedDate"] = Time(options.Time.GetUtcNow());
        json["createdBy"] = IdentityRef(state.User(options.TokenUser));
        json["targetUrl"] = s.TargetUrl;
        return json;
    }

    private Answer StatusList(Func<FakeAzDoStatus, bool> which)
    {
        var list = new JsonArray();
        foreach (var s in state.Statuses().Where(which)) list.Add(Status(s));
        return new Answer(200, new JsonObject { ["value"] = list, ["count"] = list.Count });
    }

    private Answer Vote(FakeAzDoRepository repo, int pr, string reviewerId, string body)
    {
        var vote = JsonNode.Parse(body)?["vote"]?.GetValue<int>() ?? 0;
        if (vote is not (10 or 5 or 0 or -5 or -10)) return Error(400, "The vote value is not valid.", "InvalidArgumentValueException");
        var me = state.User(options.TokenUser);
        if (!reviewerId.Equals(me.Id, StringComparison.OrdinalIgnoreCase))
            return Error(403, "TF401186: You can only vote on behalf of yourself.", "GitPullRequestVoteNotAuthorizedException");
        state.SetVote(repo, pr, me.UniqueName, vote);
        var r = IdentityRef(me);
        r["vote"] = vote;
        return new Answer(200, r);
    }

    /// <summary>Base = a branch, target = a commit: the behind count of the pull request whose head that commit is.</summary>
    private Answer Diffs(FakeAzDoRepository repo, HttpRequest request)
    {
        var target = request.Query["targetVersion"].ToString();
        var baseVersion = request.Query["baseVersion"].ToString();
        var pr = state.PullRequests(repo).FirstOrDefault(p => p.HeadSha == target && p.TargetBranch == baseVersion);
        if (pr is null)
            return Error(404, $"TF401175:The version descriptor <Commit: {target}> could not be resolved to a version in the repository {repo.Name}", "GitUnresolvableToCommitException");
        return new Answer(200, new JsonObject
        {
            ["allChangesIncluded"] = true,
            ["changeCounts"] = new JsonObject(),
            ["changes"] = new JsonArray(),
            ["commonCommit"] = pr.BaseSha,
            ["aheadCount"] = 1,
            ["behindCount"] = pr.BehindCount,
            ["baseCommit"] = pr.BaseSha,
            ["targetCommit"] = pr.HeadSha,
        });
    }

    private Answer Item(FakeAzDoRepository repo, HttpRequest request)
    {
        var path = request.Query["path"].ToString();
        if (state.File(repo, path) is not { } content)
            return Error(404, $"TF401174: The item '{path}' could not be found in the repository '{repo.Name}' at the version specified by '<Branch: main >' (resolved to commit '0000000000000000000000000000000000000000').", "GitItemNotFoundException");
        return new Answer(200, new JsonObject
        {
            ["objectId"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(content))),
            ["gitObjectType"] = "blob",
            ["commitId"] = new string('0', 40),
            ["path"] = "/" + path.TrimStart('/'),
            ["content"] = content,
            ["url"] = $"{rootUrl()}/{options.Organization}/_apis/git/repositories/{repo.Id}/items?path={Uri.EscapeDataString(path)}",
        });
    }
}
