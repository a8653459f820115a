using TerraFlow.Core.Comments;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;
using static TerraFlow.Core.Tests.Comments.CommentSamples;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>What reviewers see for each kind of run; the Golden/*.md files are reviewed by hand for readability.</summary>
public class RunCommentGoldenTests
{
    private static string RenderSingle(RunView run)
    {
        var parts = RunCommentRenderer.Render(run);
        Assert.Single(parts);
        return parts[0];
    }

    [Fact]
    public void Two_projects_one_with_changes_and_one_without()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkWithChanges(), AppWithoutChanges()));

        GoldenFile.AssertMatches("two-projects-planned.md", body);
    }

    [Fact]
    public void One_project_failed()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkWithChanges(), DatabaseFailed()));

        GoldenFile.AssertMatches("one-failed.md", body);
    }

    [Fact]
    public void Plan_in_progress_with_queued_and_running_projects()
    {
        var run = Run(RunStatus.Planning,
            AppWithoutChanges(),
            Project("network", ProjectRunStatus.Running),
            Project("database", ProjectRunStatus.Queued));

        GoldenFile.AssertMatches("queued-running.md", RenderSingle(run));
    }

    [Fact]
    public void Superseded_run_warns_at_the_top_and_keeps_the_old_plan_collapsed()
    {
        var run = Run(RunStatus.Superseded, NetworkWithChanges(), AppWithoutChanges()) with { SupersededBySha = NewerSha };

        GoldenFile.AssertMatches("superseded.md", RenderSingle(run));
    }

    [Fact]
    public void Invalid_repository_configuration()
    {
        var run = Run(RunStatus.Failed) with
        {
            ConfigError = new ConfigError("terraflow.yaml", 12, 5, "unknown key \"projets\"; did you mean \"projects\"?"),
        };

        GoldenFile.AssertMatches("config-error.md", RenderSingle(run));
    }

    [Fact]
    public void Run_failed_before_planning()
    {
        var run = Run(RunStatus.Failed) with
        {
            FailureMessage = "git clone failed: fatal: could not read Username for 'https://github.com': terminal prompts disabled",
        };

        GoldenFile.AssertMatches("run-failed.md", RenderSingle(run));
    }

    [Fact]
    public void Project_with_autoplan_off_is_skipped_with_the_command_to_plan_it()
    {
        var run = Run(RunStatus.Planned, NetworkWithChanges(), Project("billing", ProjectRunStatus.Skipped));

        GoldenFile.AssertMatches("skipped-autoplan.md", RenderSingle(run));
    }

    [Fact]
    public void Every_action_with_drift_outputs_and_a_sensitive_attribute()
    {
        GoldenFile.AssertMatches("every-action.md", RenderSingle(Run(RunStatus.Planned, EveryAction())));
    }

    [Fact]
    public void A_plan_whose_only_change_is_an_import_or_a_move_has_changes_to_apply()
    {
        var body = RenderSingle(Run(RunStatus.Planned, ImportOnly(), MoveOnly()));

        GoldenFile.AssertMatches("imports-and-moves.md", body);
        // What a reviewer relies on, whatever the wording around it: both can be applied, neither says "No changes".
        Assert.Contains("`terraflow apply -p legacy`", body, StringComparison.Ordinal);
        Assert.Contains("`terraflow apply -p rename`", body, StringComparison.Ordinal);
        Assert.DoesNotContain("No changes", body, StringComparison.Ordinal);
        Assert.Contains("`terraform_data.web` → `terraform_data.frontend`", body, StringComparison.Ordinal);
        Assert.Contains("1 to import", body, StringComparison.Ordinal);
        Assert.DoesNotContain("terraform_data.db`", body, StringComparison.Ordinal); // a plain no-op is not listed
    }

    [Fact]
    public void Imports_and_moves_that_also_change_the_object_are_listed_under_their_action()
    {
        var body = RenderSingle(Run(RunStatus.Planned, ImportsAndMovesWithUpdates()));

        GoldenFile.AssertMatches("import-and-move-with-updates.md", body);
        Assert.Contains("- `terraform_data.web` → `terraform_data.frontend`\n  - `input`: `\"v1\"` → `\"v2\"`", body, StringComparison.Ordinal);
        Assert.Contains("- `terraform_data.legacy` — imported from ID `legacy-object-7`", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_reply()
    {
        GoldenFile.AssertMatches("help.md", RunCommentRenderer.RenderHelp());
    }

    [Fact]
    public void Command_error_reply()
    {
        GoldenFile.AssertMatches("command-error.md", RunCommentRenderer.RenderCommandError("unknown command \"plna\" in \"terraflow plna\""));
    }
}
