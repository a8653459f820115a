using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Comments;

/// <summary>
/// Which comments TerraFlow may treat as its own. Its hidden markers are plain text anyone can copy, so a comment is
/// TerraFlow's only when the VCS host says TerraFlow's identity wrote it.
/// </summary>
public static class OwnComments
{
    /// <param name="self">TerraFlow's login (<see cref="IVcsClient.GetOwnLoginAsync"/>); null (anonymous) owns nothing.</param>
    public static bool IsOwn(PullRequestComment comment, string? self) =>
        self is not null && string.Equals(comment.Author, self, StringComparison.OrdinalIgnoreCase);
}
