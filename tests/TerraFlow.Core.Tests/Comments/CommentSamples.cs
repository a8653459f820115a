using TerraFlow.Core.Comments;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>Hand-written runs that look like real ones; the golden files show how each is rendered.</summary>
internal static class CommentSamples
{
    public const string HeadSha = "abc1234f9e8d7c6b5a4938271605f4e3d2c1b0a9";
    public const string NewerSha = "def5678a1b2c3d4e5f60718293a4b5c6d7e8f901";

    public static RunView Run(RunStatus status, params ProjectView[] projects) =>
        new(101, HeadSha, status, null, null, null, projects, null);

    public static ProjectView Project(string name, ProjectRunStatus status, PlanSummary? plan = null, string? planText = null, string? error = null) =>
        new(name, $"stacks/{name}", "default", status, plan, planText, error);

    public static PlanSummary Plan(IReadOnlyList<ResourceChange> changes, IReadOnlyList<ResourceChange>? drift = null, IReadOnlyList<OutputChange>? outputs = null, bool errored = false) =>
        new("1.2", "1.9.5", changes, drift ?? [], outputs ?? [], errored);

    public static ResourceChange Change(string address, ChangeAction action, string? reason = null, params AttributeDiff[] diffs)
    {
        var dot = address.LastIndexOf('.');
        var typeStart = address.LastIndexOf('.', dot - 1) + 1;
        var mode = address.StartsWith("data.", StringComparison.Ordinal) || address.Contains(".data.", StringComparison.Ordinal) ? "data" : "managed";
        return new ResourceChange(address, null, mode, address[typeStart..dot], address[(dot + 1)..], action, reason, diffs);
    }

    public static AttributeDiff Diff(string path, string? before, string? after) => new(path, before, after, false, false);

    public static ProjectView NetworkWithChanges() => Project("network", ProjectRunStatus.Planned,
        Plan(
        [
            Change("aws_subnet.private[\"eu-west-1a\"]", ChangeAction.Create),
            Change("aws_subnet.private[\"eu-west-1b\"]", ChangeAction.Create),
            Change("aws_vpc.main", ChangeAction.Update, null,
                Diff("tags.Environment", "\"staging\"", "\"production\""),
                Diff("enable_dns_hostnames", "false", "true")),
        ]),
        """
        Terraform used the selected providers to generate the following execution
        plan. Resource actions are indicated with the following symbols:
          + create
          ~ update in-place

        Terraform will perform the following actions:

          # aws_subnet.private["eu-west-1a"] will be created
          + resource "aws_subnet" "private" {
              + availability_zone = "eu-west-1a"
              + cidr_block        = "10.0.1.0/24"
              + id                = (known after apply)
            }

          # aws_subnet.private["eu-west-1b"] will be created
          + resource "aws_subnet" "private" {
              + availability_zone = "eu-west-1b"
              + cidr_block        = "10.0.2.0/24"
              + id                = (known after apply)
            }

          # aws_vpc.main will be updated in-place
          ~ resource "aws_vpc" "main" {
              ~ enable_dns_hostnames = false -> true
                id                   = "vpc-0a1b2c3d"
              ~ tags                 = {
                  ~ "Environment" = "staging" -> "production"
                }
            }

        Plan: 2 to add, 1 to change, 0 to destroy.
        """);

    public static ProjectView AppWithoutChanges() => Project("app", ProjectRunStatus.Planned, Plan([]),
        """
        No changes. Your infrastructure matches the configuration.

        Terraform has compared your real infrastructure against your configuration
        and found no differences, so no changes are needed.
        """) with { Workspace = "prod" };

    public static ProjectView DatabaseFailed() => Project("database", ProjectRunStatus.Failed, error:
        """
        Error: Reference to undeclared input variable

          on main.tf line 14, in resource "aws_db_instance" "main":
          14:   instance_class = var.db_instance_clas

        An input variable with the name "db_instance_clas" has not been declared.
        Did you mean "db_instance_class"?
        """);

    /// <summary>Every kind of action the renderer knows, plus drift, outputs and a sensitive attribute.</summary>
    public static ProjectView EveryAction() => Project("platform", ProjectRunStatus.Planned,
        Plan(
        [
            Change("aws_iam_role.deployer", ChangeAction.Create),
            Change("aws_db_instance.main", ChangeAction.Update, null,
                Diff("instance_class", "\"db.t3.small\"", "\"db.t3.medium\""),
                new AttributeDiff("password", "(sensitive value)", "(sensitive value)", true, false),
                new AttributeDiff("latest_restorable_time", "\"2024-05-01T10:00:00Z\"", null, false, true)),
            Change("aws_instance.bastion", ChangeAction.DeleteThenCreate, "replace_because_cannot_update",
                Diff("ami", "\"ami-0aaa1111\"", "\"ami-0bbb2222\"")),
            Change("aws_lb_listener.https", ChangeAction.CreateThenDelete, "replace_by_request"),
            Change("aws_security_group.legacy", ChangeAction.Delete, "delete_because_no_resource_config"),
            Change("data.aws_ami.ubuntu", ChangeAction.Read, "read_because_config_unknown"),
            Change("aws_s3_bucket.archive", ChangeAction.Forget),
        ],
        drift:
        [
            Change("aws_instance.bastion", ChangeAction.Update, null, Diff("tags.Owner", "\"platform\"", "\"alice\"")),
            Change("aws_eip.unused", ChangeAction.Delete),
        ],
        outputs:
        [
            new OutputChange("bastion_ip", ChangeAction.Update, false),
            new OutputChange("db_password", ChangeAction.Create, true),
            new OutputChange("legacy_sg_id", ChangeAction.Delete, false),
        ]),
        """
          # aws_instance.bastion must be replaced
        -/+ resource "aws_instance" "bastion" {
              ~ ami = "ami-0aaa1111" -> "ami-0bbb2222" # forces replacement
            }

          # aws_lb_listener.https will be replaced, as requested
        +/- resource "aws_lb_listener" "https" {
                id = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/1"
            }

         <= data "aws_ami" "ubuntu" {
              + id = (known after apply)
            }

        Plan: 1 to add, 1 to change, 1 to destroy.
        """);

    /// <summary>A project whose only change is importing an existing object (an <c>import</c> block).</summary>
    public static ProjectView ImportOnly() => Project("legacy", ProjectRunStatus.Planned,
        Plan(
        [
            Change("terraform_data.legacy", ChangeAction.NoOp) with { Importing = true, ImportId = "legacy-object-7" },
            Change("terraform_data.db", ChangeAction.NoOp),
        ]),
        """
          # terraform_data.legacy will be imported
            resource "terraform_data" "legacy" {
                id = "legacy-object-7"
            }

        Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.
        """);

    /// <summary>A project whose only change is a rename through a <c>moved</c> block.</summary>
    public static ProjectView MoveOnly() => Project("rename", ProjectRunStatus.Planned,
        Plan(
        [
            Change("terraform_data.frontend", ChangeAction.NoOp) with { PreviousAddress = "terraform_data.web" },
            Change("terraform_data.db", ChangeAction.NoOp),
        ]),
        """
          # terraform_data.web has moved to terraform_data.frontend
            resource "terraform_data" "frontend" {
                id     = "0b7e5f3c-3f0e-8d55-7b42-5c1f1e6a9d10"
                # (2 unchanged attributes hidden)
            }

        Plan: 0 to add, 0 to change, 0 to destroy.
        """);

    /// <summary>Imports and moves that also change the object, beside a plain create and an import by identity.</summary>
    public static ProjectView ImportsAndMovesWithUpdates() => Project("adopt", ProjectRunStatus.Planned,
        Plan(
        [
            Change("aws_s3_bucket.logs", ChangeAction.Create),
            Change("terraform_data.frontend", ChangeAction.Update, null, Diff("input", "\"v1\"", "\"v2\"")) with { PreviousAddress = "terraform_data.web" },
            Change("terraform_data.legacy", ChangeAction.Update, null, Diff("input", null, "\"adopted\"")) with { Importing = true, ImportId = "legacy-object-7" },
            Change("corner_user.alice", ChangeAction.NoOp) with { Importing = true },
            Change("module.net.aws_vpc.main", ChangeAction.NoOp) with { PreviousAddress = "aws_vpc.main" },
        ]));
}
