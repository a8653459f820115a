namespace TerraFlow.Application.Ports;

/// <summary>What the VCS host must be told once the transaction commits; the outbox dispatcher sends it.</summary>
public interface IOutbox
{
    /// <summary>A standalone reply on the pull request (collected write), identified by its marker so a retried send never posts twice.</summary>
    void AddReply(long? runId, PullRequestAddress pullRequest, string marker, string body);
}
