using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Projects;

/// <summary>
/// OpenTofu first-class: per-project engine and version, chosen by the runner among installed binaries, and
/// per-project plan time limits; through the real webhook → discover → plan pipeline.
/// </summary>
public sealed class EngineSelectionTests
{
    private const string Config = """
        version: 1
        projects:
          - dir: tofu-net        # only .tofu files: planned with OpenTofu without saying so
          - dir: pinned
            tofu_version: 1.8.5  # the installed tofu's version
          - dir: mapped
            tofu_version: 1.6.2  # installed through TerraFlow__Runner__Versions__Tofu__1_6_2
          - dir: plain           # the runner's default engine (terraform)
          - dir: old
            terraform_version: 1.5.7
          - dir: slow
            plan_timeout: 3s
        """;

    [Fact]
    public async Task Each_project_plans_with_its_engine_and_version_or_says_why_not()
    {
        using var git = TestGitRepository.Create();
        var onePlan = PlanJson.With(("terraform_data.x", ["create"]));
        git.Write(".terraflow.yml", Config)
           .Write("tofu-net/main.tofu", "resource \"terraform_data\" \"x\" {}\n").Write("tofu-net/.standin/plan.json", onePlan)
           .Write("pinned/main.tf", "resource \"terraform_data\" \"x\" {}\n").Write("pinned/.standin/plan.json", onePlan)
           .Write("mapped/main.tf", "resource \"terraform_data\" \"x\" {}\n").Write("mapped/.standin/plan.json", onePlan)
           .Write("plain/main.tf", "resource \"terraform_data\" \"x\" {}\n").Write("plain/.standin/plan.json", onePlan)
           .Write("old/main.tf", "resource \"terraform_data\" \"x\" {}\n")
           .Write("slow/main.tf", "resource \"terraform_data\" \"x\" {}\n").Write("slow/.standin/behavior.json", "{\"plan_delay_ms\": 120000}");
        var baseSha = git.Commit("base");
        git.Checkout("feature", create: true);
        foreach (var dir in new[] { "pinned", "mapped", "plain", "old", "slow" })
            git.Write($"{dir}/main.tf", "resource \"terraform_data\" \"x\" {}\n# changed\n");
        git.Write("tofu-net/main.tofu", "resource \"terraform_data\" \"x\" {}\n# changed\n");
        var headSha = git.Commit("change every project");
        await using var bed = await ProjectConfigBed.StartAsync("engines", new Dictionary<string, string>
        {
            ["TerraFlow:Runner:TofuPath"] = RepoPaths.TofuStandIn,
            // Another installed version, by the underscore spelling environment variable names need (the stand-in
            // stands in for it; the list is the operator's word for which binary is which version).
            ["TerraFlow:Runner:Versions:Tofu:1_6_2"] = RepoPaths.TofuStandIn,
        });

        var statuses = await bed.OpenAndWaitForPlansAsync(git, baseSha, headSha, plans: 6);
        string State(string project) => statuses.Single(s => s.Context == "terraflow/plan: " + project).State;

        Assert.Equal(("success", "success", "success", "success"), (State("tofu-net"), State("pinned"), State("mapped"), State("plain")));
        // The stand-in started as `tofu` names OpenTofu in its plan text; started as `terraform`, Terraform.
        Assert.Contains("OpenTofu will perform the following actions:", bed.Artifact("tofu-net", "plan.txt"));
        Assert.Contains("$ tofu plan ", bed.Artifact("tofu-net", "log.txt"));
        Assert.Contains("OpenTofu will perform the following actions:", bed.Artifact("pinned", "plan.txt"));
        Assert.Contains("$ tofu plan ", bed.Artifact("mapped", "log.txt"));
        Assert.Contains("Terraform will perform the following actions:", bed.Artifact("plain", "plan.txt"));
        Assert.Contains("$ terraform plan ", bed.Artifact("plain", "log.txt"));
        Assert.DoesNotContain("$ tofu", bed.Artifact("plain", "log.txt"));

        Assert.NotEqual("success", State("old"));
        Assert.NotEqual("success", State("slow"));
        var comment = await bed.CommentAsync(
            c => c.Contains("is not installed on this runner", StringComparison.Ordinal) && c.Contains("timed out", StringComparison.Ordinal),
            "the version and timeout failures");
        Assert.Contains("Terraform 1.5.7 (terraform_version of project old) is not installed on this runner; installed: 1.9.8 (terraform, the default)", comment);
        // The project's 3 s limit, not the runner's 30 minutes, stopped the plan.
        Assert.Contains("terraform plan timed out after 00:00:03", comment);
    }
}
