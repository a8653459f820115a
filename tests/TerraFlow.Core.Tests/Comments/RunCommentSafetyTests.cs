using TerraFlow.Core.Comments;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Workflow;
using static TerraFlow.Core.Tests.Comments.CommentSamples;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>Content from repositories and Terraform must never break the comment or leak a sensitive value.</summary>
public class RunCommentSafetyTests
{
    private static string RenderOne(RunView run) => Assert.Single(RunCommentRenderer.Render(run));

    [Fact]
    public void Plan_text_containing_code_fences_and_details_tags_stays_inside_its_code_block()
    {
        const string hostile = "  + user_data = <<-EOT\n```\n````bash\necho hi\n</details>\n<details>\nEOT\n";
        var run = Run(RunStatus.Planned, Project("web", ProjectRunStatus.Planned, Plan([]), hostile));

        var parsed = MarkdownStructure.AssertWellFormed(RenderOne(run));

        var block = Assert.Single(parsed.CodeBlocks);
        Assert.Contains("```\n````bash\necho hi\n</details>\n<details>\nEOT", block);
        Assert.DoesNotContain(parsed.OutsideLines, l => l.Contains("echo hi", StringComparison.Ordinal));
    }

    [Fact]
    public void Error_text_containing_a_code_fence_stays_inside_its_code_block()
    {
        var run = Run(RunStatus.Planned, Project("web", ProjectRunStatus.Failed, error: "Error: bad heredoc\n```\n</details>\nstill error"));

        var parsed = MarkdownStructure.AssertWellFormed(RenderOne(run));

        Assert.Contains(parsed.CodeBlocks, b => b.Contains("```\n</details>\nstill error", StringComparison.Ordinal));
    }

    [Fact]
    public void Pipes_and_backticks_in_names_do_not_split_table_cells()
    {
        var project = new ProjectView("a|b`c", "dir|with`tick", "ws|1", ProjectRunStatus.Skipped, null, null, null);

        var body = RenderOne(Run(RunStatus.Planned, project));

        var header = body.Split('\n').Single(l => l.StartsWith("| Project |", StringComparison.Ordinal));
        var row = body.Split('\n').Single(l => l.StartsWith("| ``a", StringComparison.Ordinal));
        Assert.Equal(MarkdownStructure.UnescapedPipes(header), MarkdownStructure.UnescapedPipes(row));
        Assert.Contains("``a\\|b`c``", row);
    }

    [Fact]
    public void Backticks_and_line_breaks_in_addresses_and_values_stay_in_one_code_span()
    {
        var change = Change("aws_ssm_parameter.p[\"`x`\"]", ChangeAction.Update, null, Diff("value", "\"a`b\"", "\"line1\nline2\""));
        var body = RenderOne(Run(RunStatus.Planned, Project("ssm", ProjectRunStatus.Planned, Plan([change]))));

        Assert.Contains("- ``aws_ssm_parameter.p[\"`x`\"]``\n", body);
        Assert.Contains("  - `value`: ``\"a`b\"`` → `\"line1↵line2\"`\n", body);
    }

    [Fact]
    public void Html_in_project_names_is_escaped_in_section_summaries()
    {
        var project = Project("<img src=x>", ProjectRunStatus.Planned, Plan([Change("null_resource.x", ChangeAction.Create)]));

        var body = RenderOne(Run(RunStatus.Planned, project));

        var summary = body.Split('\n').Single(l => l.StartsWith("<details>", StringComparison.Ordinal));
        Assert.Contains("<b>&lt;img src=x&gt;</b> · <code>stacks/&lt;img src=x&gt;</code>", summary);
        Assert.DoesNotContain("<img", summary);
    }

    [Fact]
    public void Masked_attribute_is_shown_as_sensitive_value()
    {
        var masked = new AttributeDiff("password", "(sensitive value)", "(sensitive value)", true, false);
        var project = Project("db", ProjectRunStatus.Planned, Plan([Change("aws_db_instance.main", ChangeAction.Update, null, masked)]));

        var body = RenderOne(Run(RunStatus.Planned, project));

        Assert.Contains("  - `password`: (sensitive value)\n", body);
    }

    [Fact]
    public void A_sensitive_attribute_never_prints_its_values_even_if_the_model_carries_them()
    {
        var leaky = new AttributeDiff("token", "hunter2-before", "hunter2-after", true, false);
        var project = Project("db", ProjectRunStatus.Planned, Plan([Change("aws_db_instance.main", ChangeAction.DeleteThenCreate, null, leaky)]));

        var body = RenderOne(Run(RunStatus.Planned, project));

        Assert.DoesNotContain("hunter2", body);
        Assert.Contains("(sensitive value)", body);
    }

    [Fact]
    public void Sensitive_output_is_marked_and_its_value_never_appears()
    {
        var plan = Plan([], outputs: [new OutputChange("db_password", ChangeAction.Create, true)]);

        var body = RenderOne(Run(RunStatus.Planned, Project("db", ProjectRunStatus.Planned, plan)));

        Assert.Contains("- `db_password` — added (sensitive value)", body);
    }

    [Fact]
    public void Long_attribute_values_are_shortened()
    {
        var policy = "\"" + new string('x', 5_000) + "\"";
        var project = Project("iam", ProjectRunStatus.Planned, Plan([Change("aws_iam_policy.p", ChangeAction.Update, null, Diff("policy", policy, "\"{}\""))]));

        var body = RenderOne(Run(RunStatus.Planned, project));

        Assert.DoesNotContain(new string('x', 300), body);
        Assert.Contains("…", body);
    }

    [Theory]
    [InlineData(1L, 0)]
    [InlineData(987_654_321_012L, 7)]
    [InlineData(long.MaxValue, int.MaxValue)]
    public void Marker_round_trips(long runId, int part)
    {
        var body = RunCommentRenderer.Render(Run(RunStatus.Planned) with { RunId = runId })[0];
        Assert.True(RunCommentRenderer.TryParseMarker(body, out var id, out var p0));
        Assert.Equal((runId, 0), (id, p0));

        var marker = $"<!-- terraflow:run:{runId}:part:{part} -->\n### anything";
        Assert.True(RunCommentRenderer.TryParseMarker(marker, out id, out var p));
        Assert.Equal((runId, part), (id, p));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Looks good to me")]
    [InlineData("quoting it: <!-- terraflow:run:5:part:0 -->")]
    [InlineData("\n<!-- terraflow:run:5:part:0 -->")]
    [InlineData("<!-- terraflow:run:x:part:0 -->")]
    [InlineData("<!-- terraflow:run:5:part: -->")]
    [InlineData("<!-- terraflow:run:-5:part:0 -->")]
    [InlineData("<!-- terraflow:run:99999999999999999999:part:0 -->")]
    [InlineData("<!-- terraflow:run:5:part:0 --> trailing")]
    public void Other_comments_are_not_mistaken_for_run_comments(string body)
    {
        Assert.False(RunCommentRenderer.TryParseMarker(body, out _, out _));
    }

    [Fact]
    public void Discovering_and_nothing_to_plan_are_said_in_words()
    {
        Assert.Contains("**Discovering projects**", RenderOne(Run(RunStatus.Discovering)));
        Assert.Contains("this pull request changes no Terraform project", RenderOne(Run(RunStatus.NoProjects)));
    }

    [Fact]
    public void Help_lists_every_command_without_links()
    {
        var help = RunCommentRenderer.RenderHelp();

        Assert.Contains("`terraflow plan`", help);
        Assert.Contains("`terraflow plan -p <project>`", help);
        Assert.Contains("`terraflow help`", help);
        Assert.DoesNotContain("http", help, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("](", help);
    }

    [Fact]
    public void Command_error_quotes_the_message_safely_and_includes_help()
    {
        var reply = RunCommentRenderer.RenderCommandError("unknown flag -x in:\n```\n</details>");

        var parsed = MarkdownStructure.AssertWellFormed(reply);
        Assert.Contains(parsed.CodeBlocks, b => b.Contains("unknown flag -x in:\n```\n</details>", StringComparison.Ordinal));
        Assert.Contains("`terraflow plan -p <project>`", reply);
    }
}
