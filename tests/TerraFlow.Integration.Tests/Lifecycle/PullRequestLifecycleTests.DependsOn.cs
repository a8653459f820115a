using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// <c>apply: on_approval</c> with <c>depends_on</c>: one approval applies the dependency, then the dependent (which
/// waits for it instead of being dropped); a failing dependency stops the dependent and its status says why.
/// </summary>
public sealed partial class PullRequestLifecycleTests
{
    private const string OnApprovalDependsOn = """
        version: 1
        apply: on_approval
        projects:
          - name: network
            dir: network
          - name: app
            dir: app
            depends_on: [network]
        """;

    [Fact]
    public async Task On_approval_applies_the_dependency_then_its_dependent_once_each()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_dep_approval");
        var (repo, head) = Repository(bed, OnApprovalDependsOn);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        await bed.CommentAsync(Pr, "terraflow approve", "alice");

        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal((1, 1), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(2, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply'"));
        Assert.Equal(1, await bed.ScalarAsync("""
            select count(*) from jobs a join jobs n on n.run_id = a.run_id
            where a.kind = 'apply' and n.kind = 'apply' and a.project_name = 'app' and n.project_name = 'network' and a.created_at >= n.finished_at
            """));
    }

    [Fact]
    public async Task On_approval_with_a_failing_dependency_never_applies_the_dependent_and_says_why()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_dep_approval_fail");
        var (repo, head) = Repository(bed, OnApprovalDependsOn, networkBehavior: "\"apply_exit\": 1, \"apply_stderr\": \"Error: creating vnet: quota exceeded\"");
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        await bed.CommentAsync(Pr, "terraflow approve", "alice");

        await bed.WaitForProjectStatusAsync(Pr, "network", "apply_failed");
        await bed.WaitForProjectStatusAsync(Pr, "app", "apply_blocked");
        Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply' and project_name = 'app'"));
        await bed.WaitForCommentAsync(Pr, "Not applied: a project it depends on failed to apply");
        var appStatus = await Eventually.ValueAsync(
            () => bed.GitHub.Statuses.LastOrDefault(s => s.Context == "terraflow/apply: app"), s => s?.State == "failure", what: "app's apply status failed");
        Assert.Contains("network", appStatus!.Description);
    }
}
