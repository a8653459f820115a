using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Workflows;

/// <summary>
/// Custom workflows end to end (issue 14): real webhook → engine → runner → Terraform stand-in, with <c>run:</c> steps
/// that are small shell commands standing in for tflint, checkov or infracost. Each step also writes a marker file into
/// a folder the job's user may write, so a test can prove a command ran, or that it did not.
/// </summary>
public sealed class CustomWorkflowTests : IDisposable
{
    private const int Pr = 14;
    private readonly string _markers = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-wf-" + Guid.NewGuid().ToString("N")[..10]));

    /// <summary>
    /// network: a linted workflow (env, init, run, plan, run reading $SHOWFILE; apply preceded by a run step);
    /// app: a scanner that reports findings and exits 3. Apply needs no approval, to keep the test on workflows.
    /// </summary>
    private string Config(string lintCommand = "echo \"lint-standin: $PROJECT_NAME clean at level $LINT_LEVEL\"") => $$"""
        version: 1
        apply_requirements: []
        workflows:
          linted:
            plan:
              steps:
                - env: { name: LINT_LEVEL, value: strict }
                - init
                - run: {{Q(lintCommand + $" && touch '{Marker("network-lint")}'")}}
                - plan
                - run: {{Q("test -s \"$SHOWFILE\" && echo \"plan-json-standin: $(grep -c resource_changes \"$SHOWFILE\") plan document\"")}}
            apply:
              steps:
                - init
                - run: {{Q($"echo \"pre-apply-standin for $PROJECT_NAME\" && touch '{Marker("network-apply")}'")}}
                - apply
          scanned:
            plan:
              - init
              - plan
              - run: {{Q($"echo \"scan-standin found 2 issues\" >&2; touch '{Marker("app-scan")}'; exit 3")}}
        projects:
          - dir: network
            workflow: linted
          - dir: app
            workflow: scanned
        """;

    /// <summary>A YAML single-quoted scalar: commands contain ": ", quotes and '$'.</summary>
    private static string Q(string command) => "'" + command.Replace("'", "''", StringComparison.Ordinal) + "'";

    private string Marker(string name) => Path.Combine(_markers, name);

    private bool Ran(string name) => File.Exists(Marker(name));

    [Fact]
    public async Task A_run_step_shows_its_output_in_the_comment_and_a_failing_one_fails_the_plan()
    {
        await using var bed = await LifecycleBed.StartAsync("wf_allowed", new Dictionary<string, string> { ["TerraFlow:Workflows:AllowCustom"] = "other/*, acme/infra" });
        using var repo = new TwoProjectRepo(Config());
        await bed.OpenAsync(Pr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "failed");

        // The run step's output, with the env step's variable and the project's name, in a collapsible block.
        var comment = await bed.WaitForCommentAsync(Pr, "lint-standin: network clean at level strict");
        Assert.Contains("<summary>✅ <code>run: echo &quot;lint-standin:", comment.Body);
        Assert.Contains("plan-json-standin: 1 plan document", comment.Body);
        // The failing scanner fails app's plan; its output (stderr) is shown, opened.
        Assert.Contains("scan-standin found 2 issues", comment.Body);
        Assert.Contains("failed (exit 3)", comment.Body);
        Assert.Contains("<details open><summary>❌ <code>run: echo &quot;scan-standin", comment.Body);
        Assert.True(Ran("network-lint") && Ran("app-scan"));
        Assert.False(Ran("network-apply"));

        // The apply workflow: its run step before the apply, then the approved plan is applied.
        await bed.CommentAsync(Pr, "terraflow apply -p network", "octocat");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        await bed.WaitForCommentAsync(Pr, "pre-apply-standin for network");
        Assert.True(Ran("network-apply"));
    }

    [Fact]
    public async Task The_same_configuration_in_a_repository_not_on_the_allow_list_is_refused_and_runs_nothing()
    {
        await using var bed = await LifecycleBed.StartAsync("wf_refused", new Dictionary<string, string> { ["TerraFlow:Workflows:AllowCustom"] = "acme/other-*" });
        using var repo = new TwoProjectRepo(Config());
        await bed.OpenAsync(Pr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl);

        var comment = await bed.WaitForCommentAsync(Pr, "Custom workflows are not enabled for this repository");
        Assert.Contains("TerraFlow__Workflows__AllowCustom", comment.Body);
        Assert.Contains("no command ran", comment.Body);
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from jobs where kind = 'plan'"));
        Assert.False(Ran("network-lint") || Ran("app-scan"));
    }

    [Fact]
    public async Task A_pull_request_cannot_change_the_commands_its_workflow_runs()
    {
        await using var bed = await LifecycleBed.StartAsync("wf_tamper", new Dictionary<string, string> { ["TerraFlow:Workflows:AllowCustom"] = "acme/*" });
        using var repo = new TwoProjectRepo(Config());
        // The head swaps the lint command for its own, and moves app to the workflow without the failing scanner.
        var evil = Config($"touch '{Marker("evil")}'").Replace("workflow: scanned", "workflow: linted");
        repo.Git.Write(".terraflow.yml", evil);
        var head = repo.Git.Commit("run my own command");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "failed");

        var comment = await bed.WaitForCommentAsync(Pr, "take effect after merge");
        Assert.Contains("lint-standin: network clean", comment.Body);
        Assert.Contains("`workflow` of project `app`", comment.Body);
        Assert.False(Ran("evil"));

        // Extra arguments from a comment are never passed through.
        await bed.CommentAsync(Pr, "terraflow plan -p network -- -target=null_resource.vnet", "octocat");
        await bed.WaitForCommentAsync(Pr, "Extra arguments are never passed to Terraform from a comment");
    }

    public void Dispose()
    {
        try { Directory.Delete(_markers, recursive: true); } catch (IOException) { }
    }
}
