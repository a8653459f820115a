namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// A comment is addressed by pull request, thread and comment (<c>PATCH …/pullRequests/{pr}/threads/{thread}/comments/{id}</c>),
/// but the VCS port updates a comment by repository and one number. So the ids TerraFlow hands out are
/// <c>(pr &lt;&lt; 40) | (thread &lt;&lt; 10) | comment</c>: 2^23 pull requests, 2^30 threads (ids are per
/// collection), 1023 comments per thread (TerraFlow's own comment is always the first of its thread).
/// </summary>
public static class AzureDevOpsCommentIds
{
    private const int CommentBits = 10;
    private const int ThreadBits = 30;
    private const long MaxPullRequest = (1L << 23) - 1;
    private const long MaxThread = (1L << ThreadBits) - 1;
    private const long MaxComment = (1L << CommentBits) - 1;

    public static long Compose(long pullRequest, long thread, long comment)
    {
        if (pullRequest is < 1 or > MaxPullRequest) throw new ArgumentOutOfRangeException(nameof(pullRequest), pullRequest, "pull request id out of range");
        if (thread is < 1 or > MaxThread) throw new ArgumentOutOfRangeException(nameof(thread), thread, "thread id out of range");
        if (comment is < 1 or > MaxComment) throw new ArgumentOutOfRangeException(nameof(comment), comment, "comment id out of range");
        return (pullRequest << (ThreadBits + CommentBits)) | (thread << CommentBits) | comment;
    }

    public static (int PullRequest, int Thread, int Comment) Split(long id)
    {
        var pr = id >> (ThreadBits + CommentBits);
        var thread = (id >> CommentBits) & MaxThread;
        var comment = id & MaxComment;
        if (id <= 0 || pr is < 1 or > MaxPullRequest || thread < 1 || comment < 1)
            throw new ArgumentException($"{id} is not an Azure DevOps comment id made by TerraFlow", nameof(id));
        return ((int)pr, (int)thread, (int)comment);
    }
}
