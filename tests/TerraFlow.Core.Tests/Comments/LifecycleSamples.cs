using TerraFlow.Core.Comments;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;
using static TerraFlow.Core.Tests.Comments.CommentSamples;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>Projects at each step after planning: policies, approvals, locks, applies. Golden files show them rendered.</summary>
internal static class LifecycleSamples
{
    public const string ApproveUrl = "https://terraflow.example.com/approve/eyJydW4iOjEwMX0.c2lnbmF0dXJl";
    public const string PlanHash = "3f2a9c1e5b7d4f608a1c2e3b4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5";

    public static PolicyViolation Violation(string rule, PolicySeverity severity, string message, string source = "terraflow",
        IReadOnlyList<string>? resources = null, int approvals = 0, PrincipalSet? approvers = null) =>
        new(rule, source, severity, message, resources ?? [], approvals, approvers ?? PrincipalSet.Anyone);

    public static PolicyOutcome Outcome(params PolicyViolation[] violations) => new(violations, null);

    public static ApplyRecord Apply(string? output = null, string? error = null) => new("alice", PlanHash, output, null, error);

    public const string ApplyOutputText =
        """
        aws_subnet.private["eu-west-1a"]: Creating...
        aws_subnet.private["eu-west-1b"]: Creating...
        aws_vpc.main: Modifying... [id=vpc-0a1b2c3d]
        aws_vpc.main: Modifications complete after 2s [id=vpc-0a1b2c3d]
        aws_subnet.private["eu-west-1a"]: Creation complete after 1s [id=subnet-0aa11]
        aws_subnet.private["eu-west-1b"]: Creation complete after 1s [id=subnet-0bb22]

        Apply complete! Resources: 2 added, 1 changed, 0 destroyed.
        """;

    /// <summary>Network needs two approvals (one given), with a policy warning and an approval rule.</summary>
    public static ProjectView NetworkAwaitingApproval() => NetworkWithChanges() with
    {
        Policy = Outcome(
            Violation("required-tags", PolicySeverity.Warn, "Created resources should carry the tags `owner` and `cost-center`.",
                resources: ["aws_subnet.private[\"eu-west-1a\"]", "aws_subnet.private[\"eu-west-1b\"]"]),
            Violation("network-change", PolicySeverity.RequireApproval, "Changes to the VPC need a network engineer.", "conftest",
                ["aws_vpc.main"], 1, new PrincipalSet(["bob"], ["acme/network"]))),
        ApprovalsRequired = 2,
        ApprovedBy = ["alice"],
        ApprovalUrl = ApproveUrl,
        ApplyBlockers = ["needs 1 more approval from @acme/network"],
    };

    public static ProjectView AppPoliciesPassed() => AppWithoutChanges() with { Policy = PolicyOutcome.Passed, ApprovalsRequired = 1 };

    /// <summary>Key vault deletion denied by a built-in rule; many resources, so the list is cut.</summary>
    public static ProjectView VaultDenied() => Project("vault", ProjectRunStatus.Planned,
        Plan([.. Enumerable.Range(1, 8).Select(i => Change($"azurerm_key_vault.team[{i}]", ChangeAction.Delete, "delete_because_no_resource_config"))]))
        with
        {
            Policy = Outcome(
                Violation("no-kv-delete", PolicySeverity.Deny, "Key vaults hold secrets that cannot be recovered once purged; deleting them is not allowed.",
                    resources: [.. Enumerable.Range(1, 8).Select(i => $"azurerm_key_vault.team[{i}]")]),
                Violation("max-changes", PolicySeverity.Warn, "8 resources change; the limit for a review without a call is 5.")),
            ApprovalsRequired = 1,
            ApplyBlockers = ["denied by policy `no-kv-delete`", "needs 1 approval"],
        };

    /// <summary>The same kind of denial, overridden by a policy owner.</summary>
    public static ProjectView StorageOverridden() => Project("storage", ProjectRunStatus.Planned,
        Plan([Change("azurerm_storage_account.logs", ChangeAction.Delete, "delete_because_no_resource_config")]))
        with
        {
            Policy = Outcome(Violation("no-storage-delete", PolicySeverity.Deny, "Storage accounts must not be deleted.", "conftest",
                ["azurerm_storage_account.logs"])),
            PolicyOverriddenBy = "carol",
            ApprovalsRequired = 1,
            ApprovedBy = ["dave"],
            ApprovalUrl = null,
        };

    /// <summary>conftest itself failed: treated as a deny.</summary>
    public static ProjectView DnsPolicyError() => Project("dns", ProjectRunStatus.Planned,
        Plan([Change("aws_route53_record.www", ChangeAction.Update, null, Diff("ttl", "300", "60"))]))
        with
        {
            Policy = new PolicyOutcome([], "conftest: rego_parse_error: policies/dns.rego:7: unexpected } token"),
            ApplyBlockers = ["the policies could not be evaluated"],
        };

    public static ProjectView NetworkApplied() => NetworkWithChanges() with
    {
        Status = ProjectRunStatus.Applied,
        ApprovalsRequired = 1,
        ApprovedBy = ["bob"],
        Apply = Apply(ApplyOutputText),
        ApplyLogUrl = "https://terraflow.example.com/runs/101/projects/network/apply-log",
    };

    public static ProjectView DatabaseApplying() => Project("database", ProjectRunStatus.Applying,
        Plan([Change("aws_db_instance.main", ChangeAction.Update, null, Diff("instance_class", "\"db.t3.small\"", "\"db.t3.medium\""))]))
        with { Apply = Apply() };

    public static ProjectView AppApplyPending() => Project("app", ProjectRunStatus.ApplyPending,
        Plan([Change("aws_ecs_service.web", ChangeAction.Update, null, Diff("desired_count", "2", "4"))]))
        with { Workspace = "prod", Apply = Apply() };

    public static ProjectView DatabaseApplyFailed() => DatabaseApplying() with
    {
        Status = ProjectRunStatus.ApplyFailed,
        Apply = Apply(
            "aws_db_instance.main: Modifying... [id=db-main]\naws_db_instance.main: Still modifying... [10s elapsed]",
            """
            Error: updating RDS DB Instance (db-main): InvalidParameterCombination: RDS does not support creating a DB instance with the following combination: DBInstanceClass=db.t3.medium, Engine=postgres, EngineVersion=9.6.24

              with aws_db_instance.main,
              on main.tf line 3, in resource "aws_db_instance" "main":
               3: resource "aws_db_instance" "main" {
            """),
    };

    public static ProjectView AppApplyBlocked() => AppApplyPending() with { Status = ProjectRunStatus.ApplyBlocked };

    public static ProjectView NetworkInterrupted() => NetworkWithChanges() with
    {
        Status = ProjectRunStatus.ApplyInterrupted,
        Apply = Apply("aws_subnet.private[\"eu-west-1a\"]: Creating...\naws_vpc.main: Modifying... [id=vpc-0a1b2c3d]"),
        ApplyLogUrl = "https://terraflow.example.com/runs/101/projects/network/apply-log",
    };

    public static ProjectView NetworkWaitingForLock() =>
        Project("network", ProjectRunStatus.WaitingForLock) with { WaitingBehind = 42 };
}
