using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 2: a pull request edits the rules it is judged by (<c>.terraflow.yml</c>, the Rego folder,
/// CODEOWNERS) to approve itself. Rules come from the base branch, so the edits change nothing until merged, and the
/// comment says so; only keys an operator allows for the repository come from the head.
/// </summary>
public sealed class RuleTamperingTests
{
    private const int Pr = 7;

    private const string DenyDeletesRego =
        "package terraform.guard\n\n# standin: deny resource_type=null_resource action=delete msg=\"{address} must not be deleted\"\n";

    /// <summary>Two approvals, policies must pass, a built-in deny rule and a Rego folder, approvals by code owners.</summary>
    private const string StrictBaseConfig = """
        version: 1
        apply: manual
        apply_requirements: [approved, policies_passed]
        approvals: { count: 2 }
        policy_paths: [policies]
        policies:
          - name: no-deletes
            severity: deny
            actions: [delete]
        """;

    /// <summary>What the attacker's pull request puts in its head commit.</summary>
    private const string SelfApprovingHeadConfig = """
        version: 1
        apply: on_approval
        apply_requirements: []
        approvals: { count: 1, allow_author: true }
        """;

    /// <summary>The TwoProjectRepo with <paramref name="baseConfig"/> (and the base's Rego folder) on the base branch,
    /// and a head that replaces the configuration with <paramref name="headConfig"/> and deletes the Rego folder.</summary>
    /// <param name="codeOwners">CODEOWNERS of the base and of the head, or null for none.</param>
    private static (TwoProjectRepo Repo, string Head) TamperedRepository(
        LifecycleBed bed, string baseConfig, string headConfig, (string Base, string Head)? codeOwners = null)
    {
        var baseFiles = new Dictionary<string, string> { ["policies/deletes.rego"] = DenyDeletesRego };
        if (codeOwners is { } owners) baseFiles["CODEOWNERS"] = owners.Base;
        var repo = new TwoProjectRepo(baseConfig, baseFiles);
        repo.Git.Write(".terraflow.yml", headConfig)
                .Delete("policies/deletes.rego")
                .Write("network/.standin/behavior.json", bed.Behavior("network"))
                .Write("app/.standin/behavior.json", bed.Behavior("app"));
        if (codeOwners is { } changed) repo.Git.Write("CODEOWNERS", changed.Head);
        return (repo, repo.Git.Commit("relax the rules"));
    }

    [Fact]
    public async Task A_pull_request_that_drops_the_approval_requirement_and_the_policies_cannot_apply_itself()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_rules", new Dictionary<string, string> { ["TerraFlow:Runner:ConftestPath"] = RepoPaths.ConftestStandIn });
        var (repo, head) = TamperedRepository(bed, StrictBaseConfig, SelfApprovingHeadConfig);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "mallory", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, author: "mallory");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        // The comment says the rule changes wait for the merge, and which keys were ignored.
        var comment = await bed.WaitForCommentAsync(Pr, "take effect after merge");
        Assert.Contains("`.terraflow.yml`", comment.Body);
        Assert.Contains("`policies/deletes.rego`", comment.Body);
        Assert.Contains("Ignored in this run", comment.Body);
        Assert.Contains("`apply_requirements`", comment.Body);
        Assert.Contains("`apply`", comment.Body);

        // The base's policies still judge the plan: the built-in rule and the Rego file the pull request deleted.
        var policy = await Eventually.ValueAsync(() => bed.GitHub.Statuses.LastOrDefault(s => s.Context == "terraflow/policy: app"), s => s is not null, what: "app policy status");
        Assert.Equal("failure", policy!.State);
        await bed.WaitForCommentAsync(Pr, "null_resource.old must not be deleted");
        Assert.Contains("no-deletes", (await bed.WaitForCommentAsync(Pr, "take effect after merge")).Body);

        // The author's own apply is refused: two approvals are needed and the policies deny.
        await bed.CommentAsync(Pr, "terraflow apply", "mallory");
        var refused = await bed.WaitForCommentAsync(Pr, "apply refused");
        Assert.Contains("`network`: needs 2 more approvals (0 of 2)", refused.Body);
        Assert.Contains("`app`: denied by policy `no-deletes`, `terraform.guard.deny`", refused.Body);

        // apply: on_approval from the head does not count either: one approval starts nothing.
        await bed.CommentAsync(Pr, "terraflow approve", "alice");
        await bed.WaitForCommentAsync(Pr, "Approval by @alice recorded");
        await bed.CommentAsync(Pr, "terraflow apply -p network", "mallory");
        await bed.WaitForCommentAsync(Pr, "`network`: needs 1 more approval (1 of 2)");

        Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply'"));
    }

    [Theory]
    [InlineData("acme/*", true)]
    [InlineData("other-org/*, acme/infra-*", false)]
    public async Task Allowed_overrides_let_a_named_key_come_from_the_head_for_matching_repositories_only(string repositories, bool matches)
    {
        var settings = new Dictionary<string, string>
        {
            ["TerraFlow:RepoConfig:AllowedOverrides:0:Repositories"] = repositories,
            ["TerraFlow:RepoConfig:AllowedOverrides:0:Keys"] = "apply_requirements",
        };
        await using var bed = await LifecycleBed.StartAsync(matches ? "sec_override_on" : "sec_override_off", settings);
        var (repo, head) = TamperedRepository(bed,
            "version: 1\napply_requirements: [approved]\napprovals: { count: 2 }\n",
            "version: 1\napply_requirements: []\napprovals: { count: 1 }\n");
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "mallory", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, author: "mallory");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        // Both projects: while `app` still plans, the run is not planned and a command is refused for that reason.
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        var comment = await bed.WaitForCommentAsync(Pr, "take effect after merge");
        // approvals is never allowed here: always ignored.
        Assert.Contains("`approvals`", comment.Body);
        await bed.CommentAsync(Pr, "terraflow apply -p network", "mallory");
        if (matches)
        {
            Assert.Contains("set `apply_requirements`; those are used now", comment.Body);
            await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
            Assert.Equal(1, bed.Applies("network"));
        }
        else
        {
            Assert.Contains("`apply_requirements`", comment.Body);
            Assert.DoesNotContain("those are used now", comment.Body);
            await bed.WaitForCommentAsync(Pr, "needs 2 more approvals (0 of 2)");
            Assert.Equal(0, bed.Applies("network"));
        }
    }

    [Fact]
    public async Task Code_owners_come_from_the_base_branch_so_a_pull_request_cannot_name_its_own_approver()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_codeowners");
        const string config = "version: 1\napply_requirements: [approved]\napprovals: { count: 1, codeowners: true }\n";
        var (repo, head) = TamperedRepository(bed, config, config, codeOwners: ("* @sec-lead\n", "* @eve\n"));
        using var _ = repo;
        foreach (var user in new[] { "mallory", "eve", "sec-lead" }) bed.GitHub.SetCollaboratorPermission(Owner, Repo, user, "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, author: "mallory");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        Assert.Contains("`CODEOWNERS`", (await bed.WaitForCommentAsync(Pr, "take effect after merge")).Body);

        // The head's CODEOWNERS names eve; the base's names sec-lead, and only that counts.
        await bed.CommentAsync(Pr, "terraflow approve -p network", "eve");
        await bed.WaitForCommentAsync(Pr, "@eve is not an eligible approver for `network` (eligible: code owners @sec-lead)");
        await bed.CommentAsync(Pr, "terraflow apply -p network", "mallory");
        await bed.WaitForCommentAsync(Pr, "`network`: needs 1 more approval (0 of 1)");
        Assert.Equal(0, bed.Applies("network"));

        await bed.CommentAsync(Pr, "terraflow approve -p network", "sec-lead");
        await bed.WaitForCommentAsync(Pr, "Approval by @sec-lead recorded");
        await bed.CommentAsync(Pr, "terraflow apply -p network", "mallory");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        Assert.Equal(1, bed.Applies("network"));
    }
}
