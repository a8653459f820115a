using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.RealTerraform;

/// <summary>
/// Pull requests through the whole pipeline (webhook → plan → approval → apply) with the real Terraform binary instead
/// of the stand-in: the plan file, <c>show -json</c>, <c>-detailed-exitcode</c>, apply and state are Terraform's own,
/// run by the runner in its sandbox (job user, allow-listed environment, fresh checkout per job).
/// </summary>
public sealed class RealTerraformPullRequestTests
{
    private const int Pr = 21;

    private static Task<LifecycleBed> StartAsync(string name)
    {
        var settings = new Dictionary<string, string> { ["TerraFlow:Runner:TerraformPath"] = RealTerraformBinary.Path };
        // Every job as the uid that owns the state folder (see TerraformProjectRepo): sandboxed, but able to write the state.
        if (TerraformProjectRepo.RunnerSwitchesUser)
            settings["TerraFlow:Runner:RunAs"] = TerraformProjectRepo.RunnerUid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return LifecycleBed.StartAsync(name, settings);
    }

    /// <summary>Approves the head with a writer's review, then asks for the apply, and waits until it is applied.</summary>
    private static async Task ApproveAndApplyAsync(LifecycleBed bed, string head)
    {
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.ReviewAsync(Pr, "alice", head);
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");
        await bed.CommentAsync(Pr, "terraflow apply", "alice");
        await Eventually.ValueAsync(() => bed.ProjectStatusAsync(Pr, TerraformProjectRepo.Project),
            s => s is "applied" or "apply_failed" or "apply_blocked" or "apply_interrupted", TimeSpan.FromSeconds(120), "the apply to end");
        var status = await bed.ProjectStatusAsync(Pr, TerraformProjectRepo.Project);
        if (status != "applied")
        {
            var comments = string.Join("\n---\n", bed.GitHub.Comments(Owner, Repo, Pr).Select(c => c.Body));
            Assert.Fail($"The apply ended {status}, not applied. Comments:\n{comments}");
        }
    }

    /// <summary>Waits until the pull request's newest run has planned its project, and fails with the comments if the plan failed.</summary>
    private static async Task<string> PlannedCommentAsync(LifecycleBed bed, string head, string expected)
    {
        await Eventually.ValueAsync(() => bed.ProjectStatusAsync(Pr, TerraformProjectRepo.Project),
            s => s is "planned" or "failed", TimeSpan.FromSeconds(120), "the plan to end");
        if (await bed.ProjectStatusAsync(Pr, TerraformProjectRepo.Project) == "failed")
        {
            var comments = string.Join("\n---\n", bed.GitHub.Comments(Owner, Repo, Pr).Select(c => c.Body));
            Assert.Fail($"The real Terraform plan failed. Comments:\n{comments}");
        }
        var comment = await bed.WaitForCommentAsync(Pr, expected);
        Assert.Contains(head[..7], comment.Body, StringComparison.Ordinal);
        return comment.Body;
    }

    [Fact]
    public async Task A_pull_request_is_planned_approved_and_applied_and_the_next_plan_has_no_changes()
    {
        using var repo = new TerraformProjectRepo();
        var head = repo.CommitConfiguration("""
            resource "terraform_data" "greeting" {
              input = "hello"
            }

            output "greeting" {
              value = terraform_data.greeting.output
            }
            """, "add a greeting");
        await using var bed = await StartAsync("real_tf_e2e");

        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        var plan = await PlannedCommentAsync(bed, head, "To apply, comment");
        var row = CommentTable.Row(plan, TerraformProjectRepo.Project);
        Assert.Equal(("1", "0", "0", "0"), (row["Add"], row["Change"], row["Destroy"], row["Replace"]));
        Assert.Contains("`terraform_data.greeting`", plan, StringComparison.Ordinal);
        Assert.Contains("`greeting` — added", plan, StringComparison.Ordinal);
        Assert.Contains("Plan: 1 to add, 0 to change, 0 to destroy.", plan, StringComparison.Ordinal); // Terraform's own text
        Assert.False(File.Exists(repo.StatePath), "A plan must not write state.");

        await ApproveAndApplyAsync(bed, head);
        var state = repo.StateResources();
        // terraform_data keeps its input as a dynamic value: {"value": ..., "type": ...}.
        var greeting = Assert.Single(state, r => r.Key == "terraform_data.greeting").Value;
        Assert.Equal("hello", greeting.GetProperty("input").GetProperty("value").GetString());
        var applied = await bed.WaitForCommentAsync(Pr, "Apply complete!");
        Assert.Contains("Resources: 1 added, 0 changed, 0 destroyed.", applied.Body, StringComparison.Ordinal);

        // A new push that touches the project: planned again on the new head against the state the apply wrote.
        repo.Git.Write($"{TerraformProjectRepo.Project}/notes.tf", "# The greeting is applied; nothing else to do.\n");
        var next = repo.Git.Commit("note");
        bed.GitHub.UpdatePullRequest(bed.GitHub.PullRequest(Owner, Repo, Pr)! with { HeadSha = next });
        await bed.SendAsync("pull_request", GitHubWebhooks.PullRequest(new(Owner, Repo, Pr, next, repo.BaseSha, repo.Git.CloneUrl, "synchronize")));
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and head_sha = '{next}'"), n => n == 1, what: "a run for the new head");
        var again = await PlannedCommentAsync(bed, next, "No changes. The infrastructure matches the configuration.");
        Assert.DoesNotContain("To apply, comment", again, StringComparison.Ordinal);
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from applies"));
    }

    [Fact]
    public async Task An_import_block_plan_is_counted_shown_and_applied()
    {
        using var repo = new TerraformProjectRepo();
        var head = repo.CommitConfiguration("""
            import {
              to = terraform_data.legacy
              id = "legacy-object-7"
            }

            resource "terraform_data" "legacy" {}
            """, "adopt the legacy object");
        await using var bed = await StartAsync("real_tf_import");

        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        var plan = await PlannedCommentAsync(bed, head, "To apply, comment");
        Assert.Contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.", plan, StringComparison.Ordinal);
        Assert.Contains("changes (1 to import)", CommentTable.Row(plan, TerraformProjectRepo.Project)["Status"], StringComparison.Ordinal);
        Assert.Contains("- `terraform_data.legacy` — imported from ID `legacy-object-7`", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("No changes.", plan, StringComparison.Ordinal);

        await ApproveAndApplyAsync(bed, head);
        var imported = Assert.Single(repo.StateResources(), r => r.Key == "terraform_data.legacy").Value;
        Assert.Equal("legacy-object-7", imported.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_moved_block_plan_is_shown_as_a_move_and_applied()
    {
        const string before = """
            resource "terraform_data" "web" {
              input = "v1"
            }
            """;
        using var repo = new TerraformProjectRepo(before);
        repo.ApplyBaseOutsideTerraFlow(before);
        var id = repo.StateResources()["terraform_data.web"].GetProperty("id").GetString();
        var head = repo.CommitConfiguration("""
            resource "terraform_data" "frontend" {
              input = "v1"
            }

            moved {
              from = terraform_data.web
              to   = terraform_data.frontend
            }
            """, "rename web to frontend");
        await using var bed = await StartAsync("real_tf_moved");

        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        var plan = await PlannedCommentAsync(bed, head, "To apply, comment");
        Assert.Contains("# terraform_data.web has moved to terraform_data.frontend", plan, StringComparison.Ordinal); // Terraform's text
        Assert.Contains("- `terraform_data.web` → `terraform_data.frontend`", plan, StringComparison.Ordinal);
        Assert.Contains("changes (1 to move)", CommentTable.Row(plan, TerraformProjectRepo.Project)["Status"], StringComparison.Ordinal);
        Assert.DoesNotContain("No changes.", plan, StringComparison.Ordinal);

        await ApproveAndApplyAsync(bed, head);
        var state = repo.StateResources();
        Assert.DoesNotContain("terraform_data.web", state.Keys);
        Assert.Equal(id, state["terraform_data.frontend"].GetProperty("id").GetString()); // the same object, at its new address
    }

    [Fact]
    public async Task An_apply_that_writes_its_state_into_the_checkout_says_the_state_is_lost()
    {
        // No backend block: Terraform's default local backend writes stack/terraform.tfstate in the job's checkout.
        using var repo = new TerraformProjectRepo();
        var head = repo.CommitConfiguration("""
            resource "terraform_data" "orphan" {
              input = "x"
            }
            """, "no backend", withBackend: false);
        await using var bed = await StartAsync("real_tf_no_backend");

        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await PlannedCommentAsync(bed, head, "To apply, comment");
        await ApproveAndApplyAsync(bed, head);

        var comment = await bed.WaitForCommentAsync(Pr, "Apply complete!");
        Assert.Contains("Terraform wrote its state into the checkout (stack/terraform.tfstate)", comment.Body, StringComparison.Ordinal);
        Assert.Contains("this state is lost", comment.Body, StringComparison.Ordinal);
    }
}
