using System.Collections.Concurrent;
using System.Text.Json;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// <see cref="IVcsClient"/> over the Azure DevOps REST API 7.1 (Azure Repos on dev.azure.com or Azure DevOps Server).
/// Comments are pull request threads (TerraFlow's comment is the first comment of its own thread, edited in place);
/// statuses are pull request statuses (<c>genre: terraflow</c>, <c>name: plan/&lt;project&gt;</c>) so branch policies
/// can require them; permissions come from the Git Repositories security namespace. Failures surface as
/// <see cref="VcsPermanentException"/> (4xx but 429) or <see cref="HttpRequestException"/> (retry later).
/// </summary>
public sealed class AzureDevOpsClient : IVcsClient
{
    /// <summary>Azure DevOps refuses pull request comments longer than 150,000 characters.</summary>
    public const int MaxCommentLength = 150_000;

    /// <summary>Azure DevOps documents no limit; 255 keeps statuses readable in the policy list and matches what the other hosts accept.</summary>
    public const int MaxStatusDescriptionLength = 255;

    /// <summary>The security namespace "Git Repositories".</summary>
    public const string GitRepositoriesNamespace = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";

    /// <summary>Git Repositories permission bits: Administer 1, GenericRead 2, GenericContribute 4, ForcePush 8, PolicyExempt 128, ManagePermissions 8192.</summary>
    public const int Administer = 1, GenericRead = 2, GenericContribute = 4, ForcePush = 8, PolicyExempt = 128, ManagePermissions = 8192;

    /// <summary>Votes: 10 approved, 5 approved with suggestions, 0 none, -5 waiting for author, -10 rejected.</summary>
    public const int ApprovedVote = 10, ApprovedWithSuggestionsVote = 5;

    private readonly AzureDevOpsHttp _http;
    private readonly AzureDevOpsHttp _identities;
    private readonly AzureDevOpsCredentials _credentials;
    private readonly ConcurrentDictionary<string, int> _pullRequestOfCommit = new(StringComparer.OrdinalIgnoreCase);
    private string? _ownLogin;

    public AzureDevOpsClient(HttpClient httpClient, AzureDevOpsOptions options, AzureDevOpsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _http = new AzureDevOpsHttp(httpClient, options, options.BuildUri, credentials.Pat);
        _identities = new AzureDevOpsHttp(httpClient, options, options.BuildIdentityUri, credentials.Pat);
    }

    public async Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var pr = await GetAsync(_http, AzureDevOpsNames.PullRequestPath(repo, number), AzureDevOpsJsonContext.Default.AzDoPullRequest, ct).ConfigureAwait(false);
        var head = pr.LastMergeSourceCommit?.CommitId ?? "";
        if (head.Length > 0) _pullRequestOfCommit[head] = number;
        var mergeable = MergeableFrom(pr.MergeStatus);
        var state = pr.MergeStatus switch { "succeeded" => "clean", "conflicts" => "dirty", "rejectedByPolicy" => "blocked", var s => s };
        // Azure DevOps rebuilds the merge commit whenever the target moves, so its merge status never says "behind";
        // whether the source lacks commits of the target comes from the commit diff (Diffs - Get: behindCount).
        if (mergeable == true && pr.Status == "active" && head.Length > 0 && pr.TargetRefName is { Length: > 0 } target
            && await BehindCountAsync(repo, AzureDevOpsNames.BranchOf(target), head, ct).ConfigureAwait(false) > 0)
            state = "behind";
        return new PullRequestInfo(
            repo,
            number,
            HeadSha: head,
            BaseSha: pr.LastMergeTargetCommit?.CommitId ?? "",
            HeadRef: AzureDevOpsNames.BranchOf(pr.SourceRefName ?? ""),
            BaseRef: AzureDevOpsNames.BranchOf(pr.TargetRefName ?? ""),
            CloneUrl: AzureDevOpsNames.CloneUrlOf(pr.Repository?.RemoteUrl ?? ""),
            Author: pr.CreatedBy?.UniqueName ?? "ghost",
            Open: pr.Status == "active",
            Merged: pr.Status == "completed")
        {
            Mergeable = mergeable,
            MergeableState = state,
            FromFork = pr.ForkSource is { ValueKind: JsonValueKind.Object },
        };
    }

    private async Task<int> BehindCountAsync(RepoRef repo, string targetBranch, string head, CancellationToken ct)
    {
        var diff = await GetAsync(_http,
            $"{AzureDevOpsNames.RepositoryPath(repo)}/diffs/commits?baseVersion={Uri.EscapeDataString(targetBranch)}&baseVersionType=branch&targetVersion={Uri.EscapeDataString(head)}&targetVersionType=commit&$top=1",
            AzureDevOpsJsonContext.Default.AzDoCommitDiffs, ct).ConfigureAwait(false);
        return diff.BehindCount;
    }

    /// <summary>"succeeded" → true; "queued"/"notSet" (still computing) → null; "conflicts", "failure", "rejectedByPolicy" → false.</summary>
    public static bool? MergeableFrom(string? mergeStatus) => mergeStatus switch
    {
        "succeeded" => true,
        null or "" or "notSet" or "queued" => null,
        _ => false,
    };

    /// <summary>The credential's identity (GET _apis/connectionData → authenticatedUser, its Account property = uniqueName), cached.</summary>
    public async Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct)
    {
        if (_ownLogin is { } known) return known;
        var data = await GetAsync(_http, "_apis/connectionData", AzureDevOpsJsonContext.Default.AzDoConnectionData, ct).ConfigureAwait(false);
        var user = data.AuthenticatedUser ?? throw new InvalidOperationException("Azure DevOps connectionData has no authenticatedUser");
        return _ownLogin = AccountOf(user) ?? user.Id ?? throw new InvalidOperationException("Azure DevOps connectionData names no account");
    }

    /// <summary>Every text comment of every thread, oldest thread first; system comments (votes, pushes, merge attempts) and deleted ones are left out.</summary>
    public async Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct)
    {
        var threads = await GetAsync(_http, $"{AzureDevOpsNames.PullRequestPath(repo, number)}/threads", AzureDevOpsJsonContext.Default.AzDoThreadList, ct).ConfigureAwait(false);
        return threads.Value.Where(t => !t.IsDeleted)
            .SelectMany(t => (t.Comments ?? []).Where(c => !c.IsDeleted && c.CommentType == "text" && c.Id is > 0 and < 1024)
                .Select(c => new PullRequestComment(AzureDevOpsCommentIds.Compose(number, t.Id, c.Id), c.Author?.UniqueName ?? "ghost", c.Content ?? "")))
            .ToList();
    }

    /// <summary>A new thread with one comment and no status, so it never blocks completion ("resolve all comments" policies).</summary>
    public async Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var request = new AzDoNewThread([new AzDoNewComment(0, Truncate(body), 1)]);
        var thread = await SendAsync(_http, HttpMethod.Post, $"{AzureDevOpsNames.PullRequestPath(repo, number)}/threads",
            AzureDevOpsHttp.Json(request, AzureDevOpsJsonContext.Default.AzDoNewThread), AzureDevOpsJsonContext.Default.AzDoThread, ct).ConfigureAwait(false);
        var first = thread.Comments?.FirstOrDefault() ?? throw new InvalidOperationException("Azure DevOps created a thread without a comment");
        return AzureDevOpsCommentIds.Compose(number, thread.Id, first.Id);
    }

    public async Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        (int pr, int thread, int comment) ids;
        try
        {
            ids = AzureDevOpsCommentIds.Split(commentId);
        }
        catch (ArgumentException ex)
        {
            throw new VcsPermanentException(ex.Message, 0);
        }
        await SendAsync(_http, new HttpMethod("PATCH"), $"{AzureDevOpsNames.PullRequestPath(repo, ids.pr)}/threads/{ids.thread}/comments/{ids.comment}",
            AzureDevOpsHttp.Json(new AzDoCommentPatch(Truncate(body)), AzureDevOpsJsonContext.Default.AzDoCommentPatch), AzureDevOpsJsonContext.Default.AzDoComment, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A pull request status on the active pull request whose source commit is <paramref name="sha"/> (what branch
    /// policies evaluate); a commit status when no active pull request has that commit (e.g. after completion).
    /// </summary>
    public async Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        ArgumentNullException.ThrowIfNull(status);
        var request = StatusRequest(status);
        var content = AzureDevOpsHttp.Json(request, AzureDevOpsJsonContext.Default.AzDoStatusRequest);
        var path = await FindPullRequestAsync(repo, sha, ct).ConfigureAwait(false) is { } number
            ? $"{AzureDevOpsNames.PullRequestPath(repo, number)}/statuses"
            : $"{AzureDevOpsNames.RepositoryPath(repo)}/commits/{Uri.EscapeDataString(sha)}/statuses";
        using var _ = await _http.SendAsync(HttpMethod.Post, path, content, await _credentials.BearerAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    internal static AzDoStatusRequest StatusRequest(CommitStatus status) =>
        new(StateName(status.State), TruncateDescription(status.Description), StatusContext(status.Context), status.TargetUrl, null);

    /// <summary>"terraflow/plan: network" → genre "terraflow", name "plan/network"; other contexts keep their text as name.</summary>
    public static (string Genre, string Name) StatusContextOf(string context)
    {
        var name = context.StartsWith("terraflow/", StringComparison.Ordinal) ? context["terraflow/".Length..] : context;
        return ("terraflow", name.Replace(": ", "/", StringComparison.Ordinal));
    }

    private static AzDoStatusContext StatusContext(string context)
    {
        var (genre, name) = StatusContextOf(context);
        return new AzDoStatusContext(name, genre);
    }

    /// <summary>
    /// The user's permission from the Git Repositories security namespace: the repository's ACL queried for the user's
    /// identity descriptor with <c>includeExtendedInfo=true</c>, whose <c>effectiveAllow</c> includes what groups and
    /// the project grant. Administer/ManagePermissions → Admin, Contribute with Force push or Bypass policies → Maintain,
    /// Contribute → Write, Read → Read, otherwise None.
    /// </summary>
    public async Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var identity = await FindIdentityAsync(user, expandMembership: false, ct).ConfigureAwait(false);
        if (identity?.Descriptor is not { Length: > 0 } descriptor) return RepoPermission.None;
        var repository = await GetAsync(_http, AzureDevOpsNames.RepositoryPath(repo), AzureDevOpsJsonContext.Default.AzDoRepository, ct).ConfigureAwait(false);
        if (repository.Id is null || repository.Project?.Id is null) return RepoPermission.None;
        var token = $"repoV2/{repository.Project.Id}/{repository.Id}";
        var acls = await GetAsync(_http,
            $"_apis/accesscontrollists/{GitRepositoriesNamespace}?token={Uri.EscapeDataString(token)}&descriptors={Uri.EscapeDataString(descriptor)}&includeExtendedInfo=true",
            AzureDevOpsJsonContext.Default.AzDoAclList, ct).ConfigureAwait(false);
        var allow = 0;
        foreach (var ace in acls.Value.SelectMany(a => a.AcesDictionary?.Values ?? Enumerable.Empty<AzDoAce>()))
            if (string.Equals(ace.Descriptor, descriptor, StringComparison.OrdinalIgnoreCase))
                allow |= ace.ExtendedInfo?.EffectiveAllow ?? (ace.Allow & ~ace.Deny);
        return PermissionFrom(allow);
    }

    public static RepoPermission PermissionFrom(int effectiveAllow) =>
        (effectiveAllow & (Administer | ManagePermissions)) != 0 ? RepoPermission.Admin
        // Bypassing policies or force-pushing is what separates a maintainer from a contributor.
        : (effectiveAllow & GenericContribute) != 0 && (effectiveAllow & (ForcePush | PolicyExempt)) != 0 ? RepoPermission.Maintain
        : (effectiveAllow & GenericContribute) != 0 ? RepoPermission.Write
        : (effectiveAllow & GenericRead) != 0 ? RepoPermission.Read
        : RepoPermission.None;

    /// <summary>
    /// Whether <paramref name="user"/> belongs to the group or team <paramref name="team"/> (e.g. <c>[Infra]\Platform Team</c>,
    /// a leading '@' as in CODEOWNERS accepted), directly or through nested groups (identities with expanded membership).
    /// </summary>
    public async Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(team);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var group = await FindIdentityAsync(team.Trim().TrimStart('@'), expandMembership: false, ct).ConfigureAwait(false);
        if (group?.Descriptor is not { Length: > 0 } groupDescriptor) return false;
        var person = await FindIdentityAsync(user, expandMembership: true, ct).ConfigureAwait(false);
        return person?.MemberOf?.Any(d => string.Equals(d, groupDescriptor, StringComparison.OrdinalIgnoreCase)) == true;
    }

    /// <summary>
    /// The uniqueNames of reviewers who voted approve (10) or approve with suggestions (5), without groups and
    /// without <paramref name="exceptAuthor"/>. Azure DevOps-specific, not on the port.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetApprovingReviewersAsync(RepoRef repo, int number, string? exceptAuthor, CancellationToken ct)
    {
        var pr = await GetAsync(_http, AzureDevOpsNames.PullRequestPath(repo, number), AzureDevOpsJsonContext.Default.AzDoPullRequest, ct).ConfigureAwait(false);
        return (pr.Reviewers ?? []).Where(r => !r.IsContainer && r.Vote >= ApprovedWithSuggestionsVote && r.UniqueName is { Length: > 0 })
            .Select(r => r.UniqueName!)
            .Where(u => !string.Equals(u, exceptAuthor, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>The PAT, or a fresh Entra token; runners send it as Basic auth in <c>http.extraHeader</c>.</summary>
    public Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct) => _credentials.CloneTokenAsync(ct);

    private async Task<int?> FindPullRequestAsync(RepoRef repo, string sha, CancellationToken ct)
    {
        if (_pullRequestOfCommit.TryGetValue(sha, out var known)) return known;
        var list = await GetAsync(_http, $"{AzureDevOpsNames.RepositoryPath(repo)}/pullrequests?searchCriteria.status=active&$top=1000",
            AzureDevOpsJsonContext.Default.AzDoPullRequestList, ct).ConfigureAwait(false);
        var match = list.Value.FirstOrDefault(p => string.Equals(p.LastMergeSourceCommit?.CommitId, sha, StringComparison.OrdinalIgnoreCase));
        if (match is null) return null;
        _pullRequestOfCommit[sha] = match.PullRequestId;
        return match.PullRequestId;
    }

    private async Task<AzDoIdentity?> FindIdentityAsync(string name, bool expandMembership, CancellationToken ct)
    {
        var list = await GetAsync(_identities,
            $"_apis/identities?searchFilter=General&filterValue={Uri.EscapeDataString(name.Trim())}&queryMembership={(expandMembership ? "Expanded" : "None")}",
            AzureDevOpsJsonContext.Default.AzDoIdentityList, ct).ConfigureAwait(false);
        return list.Value.FirstOrDefault(i => string.Equals(AccountOf(i), name.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(i.ProviderDisplayName, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? (list.Value.Count == 1 ? list.Value[0] : null);
    }

    /// <summary><c>properties.Account.$value</c> (the sign-in name), as identities and connectionData carry it.</summary>
    private static string? AccountOf(AzDoIdentity identity) =>
        identity.Properties is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("Account", out var a) && a.ValueKind == JsonValueKind.Object
        && a.TryGetProperty("$value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private async Task<T> GetAsync<T>(AzureDevOpsHttp http, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct) =>
        await http.SendForJsonAsync(HttpMethod.Get, path, null, await _credentials.BearerAsync(ct).ConfigureAwait(false), type, ct).ConfigureAwait(false);

    private async Task<T> SendAsync<T>(AzureDevOpsHttp http, HttpMethod method, string path, HttpContent content, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct) =>
        await http.SendForJsonAsync(method, path, content, await _credentials.BearerAsync(ct).ConfigureAwait(false), type, ct).ConfigureAwait(false);

    public static string TruncateDescription(string? description)
    {
        if (string.IsNullOrEmpty(description)) return "";
        return description.Length <= MaxStatusDescriptionLength ? description : description[..(MaxStatusDescriptionLength - 1)] + "…";
    }

    private static string Truncate(string body)
    {
        const string cut = "\n\n_(TerraFlow shortened this comment: Azure DevOps comments hold at most 150,000 characters.)_";
        return body.Length <= MaxCommentLength ? body : body[..(MaxCommentLength - cut.Length)] + cut;
    }

    private static string StateName(CommitState state) => state switch
    {
        CommitState.Pending => "pending",
        CommitState.Success => "succeeded",
        CommitState.Failure => "failed",
        CommitState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown commit state."),
    };
}
