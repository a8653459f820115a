namespace TerraFlow.Functions;

/// <summary>Bound from configuration section <c>TerraFlow</c> (environment: <c>TerraFlow__…</c>).</summary>
internal sealed class TerraFlowOptions
{
    /// <summary>The address users reach TerraFlow at, for links in comments and statuses; null when not public.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Approval links: lifetime, signing key, approver sessions (<c>TerraFlow__Approvals__…</c>).</summary>
    public global::TerraFlow.Functions.Approvals.ApprovalsOptions Approvals { get; set; } = new();

    /// <summary>Who may make TerraFlow plan a pull request (<c>TerraFlow__PullRequests__…</c>).</summary>
    public PullRequestsOptions PullRequests { get; set; } = new();

    /// <summary>Where the local-folder artifact store keeps plans and logs.</summary>
    public string ArtifactsPath { get; set; } = Path.Combine(".terraflow", "artifacts");

    /// <summary>Where the embedded PostgreSQL keeps its data when no connection string is configured.</summary>
    public string DataPath { get; set; } = Path.Combine(".terraflow", "postgres");

    /// <summary>
    /// Loopback port of the embedded PostgreSQL; 0 picks a free one at each start. Set it when separate runners connect
    /// to the embedded cluster (as its runner role), so their connection string stays valid across host restarts.
    /// </summary>
    public int EmbeddedPostgresPort { get; set; }
}
