namespace TerraFlow.Core.Catalog;

/// <summary>
/// A project of a <see cref="Repository"/> (a directory and workspace TerraFlow plans) as the newest discovery reported
/// it. Runs of any trigger belong to a repository; their project runs name these projects.
/// </summary>
public sealed record Project(
    long Id,
    long RepositoryId,
    string Name,
    string Dir,
    string Workspace,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt);
