namespace TerraFlow.Testing.FakeGitLab;

/// <summary>A project the fake serves. <see cref="Path"/> is the full path, e.g. "group/subgroup/infra".</summary>
public sealed record FakeGitLabProject(long Id, string Path, string HttpUrlToRepo);

/// <summary>
/// A merge request as the fake serves it. <see cref="State"/> is "opened", "closed" or "merged";
/// <see cref="SourceProjectPath"/> is set for merge requests from a fork.
/// </summary>
public sealed record FakeMergeRequest(
    string ProjectPath,
    int Iid,
    string HeadSha,
    string BaseSha,
    string SourceBranch,
    string TargetBranch,
    string Author,
    string State,
    string? SourceProjectPath,
    string Title)
{
    /// <summary>GitLab's detailed_merge_status; new merge requests start "mergeable".</summary>
    public string DetailedMergeStatus { get; init; } = "mergeable";
}

/// <summary>A note on a merge request. <see cref="System"/> notes are GitLab's own ("added 1 commit").</summary>
public sealed record FakeGitLabNote(long Id, long ProjectId, int Iid, string Body, string Author, bool System, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A commit status as posted: <see cref="Name"/> is the context, <see cref="State"/> GitLab's word ("pending", "failed"…).</summary>
public sealed record FakeGitLabStatus(long Id, string ProjectPath, string Sha, string Name, string State, string? Description, string? TargetUrl);

/// <summary>One request the fake received and the status it answered.</summary>
public sealed record FakeGitLabRequest(string Method, string Path, string Query, string? Token, string Body, int Status)
{
    /// <summary>When the fake answered (its <see cref="FakeGitLabOptions.Time"/>).</summary>
    public DateTimeOffset At { get; init; }
}
