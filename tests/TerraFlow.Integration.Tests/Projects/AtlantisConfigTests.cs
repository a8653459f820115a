using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Projects;

/// <summary>
/// A team switching from Atlantis: its <c>atlantis.yaml</c> (no <c>.terraflow.yml</c>) decides which projects a pull
/// request plans, and Atlantis's default triggers apply.
/// </summary>
public sealed class AtlantisConfigTests
{
    private const string AtlantisYaml = """
        version: 3
        automerge: true
        projects:
          - dir: infra/app
            workspace: staging
          - dir: infra/app
            workspace: production
            apply_requirements: [approved]
          - name: dns
            dir: dns
            autoplan:
              enabled: false
        workflows:
          custom:
            plan:
              steps: [init, plan]
        """;

    private static bool Planned(string comment, string project, string add)
    {
        try
        {
            return CommentTable.Row(comment, project)["Add"] == add;
        }
        catch (Exception ex) when (ex is Xunit.Sdk.XunitException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Atlantis_yaml_plans_the_projects_Atlantis_would_each_in_its_workspace_and_names_what_is_ignored()
    {
        using var git = TestGitRepository.Create();
        git.Write("atlantis.yaml", AtlantisYaml)
           .Write("infra/app/main.tf", "resource \"terraform_data\" \"web\" {}\n")
           // The stand-in replays a plan per workspace: each workspace's counts prove TF_WORKSPACE reached it.
           .Write("infra/app/.standin/staging/plan.json", PlanJson.With(("terraform_data.web", ["create"])))
           .Write("infra/app/.standin/production/plan.json", PlanJson.With(
               ("terraform_data.web", ["create"]), ("terraform_data.cdn", ["create"]), ("terraform_data.dns", ["update"])))
           .Write("dns/main.tf", "resource \"terraform_data\" \"zone\" {}\n")
           .Write("unlisted/main.tf", "resource \"terraform_data\" \"x\" {}\n");
        var baseSha = git.Commit("base");
        git.Checkout("feature", create: true);
        git.Write("infra/app/main.tf", "resource \"terraform_data\" \"web\" {}\nresource \"terraform_data\" \"cdn\" {}\n")
           .Write("dns/main.tf", "resource \"terraform_data\" \"zone\" {}\n# changed\n")
           .Write("unlisted/main.tf", "resource \"terraform_data\" \"x\" {}\n# changed\n");
        var headSha = git.Commit("change app, dns and an unlisted dir");
        await using var bed = await ProjectConfigBed.StartAsync("atlantis");

        var statuses = await bed.OpenAndWaitForPlansAsync(git, baseSha, headSha, plans: 2);
        var comment = await bed.CommentAsync(
            c => Planned(c, "infra-app-staging", "1") && Planned(c, "infra-app-production", "2"), "both workspaces planned");

        Assert.Equal(["terraflow/plan: infra-app-production", "terraflow/plan: infra-app-staging"], statuses.Select(s => s.Context).Order());
        Assert.All(statuses, s => Assert.Equal("success", s.State));
        Assert.Equal("1", CommentTable.Row(comment, "infra-app-production")["Change"]);
        Assert.Equal("0", CommentTable.Row(comment, "infra-app-staging")["Change"]);
        // dns has autoplan disabled and unlisted/ is not an Atlantis project: neither is planned.
        await Task.Delay(1000);
        Assert.DoesNotContain(bed.GitHub.Statuses, s => s.Context is "terraflow/plan: dns" or "terraflow/plan: unlisted");
        Assert.Contains("Projects are read from `atlantis.yaml` (there is no `.terraflow.yml`).", comment);
        Assert.Contains("`automerge`", comment);
        Assert.Contains("`workflows`", comment);
        Assert.Contains("`apply_requirements` (in `infra-app-production`)", comment);
    }

    [Fact]
    public async Task A_change_to_only_the_lock_file_plans_its_project()
    {
        using var git = TestGitRepository.Create();
        git.Write("alpha/main.tf", "resource \"terraform_data\" \"x\" {}\n")
           .Write("alpha/.terraform.lock.hcl", "# This file is maintained automatically by \"terraform init\".\n")
           .Write("alpha/.standin/plan.json", PlanJson.With(("terraform_data.x", ["update"])))
           .Write("beta/main.tf", "resource \"terraform_data\" \"y\" {}\n");
        var baseSha = git.Commit("base");
        git.Checkout("feature", create: true);
        git.Write("alpha/.terraform.lock.hcl", "# This file is maintained automatically by \"terraform init\".\n\nprovider \"registry.terraform.io/hashicorp/null\" {\n  version = \"3.2.3\"\n}\n");
        var headSha = git.Commit("upgrade the null provider");
        await using var bed = await ProjectConfigBed.StartAsync("lockfile");

        var statuses = await bed.OpenAndWaitForPlansAsync(git, baseSha, headSha, plans: 1);
        var comment = await bed.CommentAsync(c => Planned(c, "alpha", "0") && CommentTable.Row(c, "alpha")["Change"] == "1", "project alpha planned");

        Assert.Equal(["terraflow/plan: alpha"], statuses.Select(s => s.Context));
        await Task.Delay(1000);
        Assert.DoesNotContain(bed.GitHub.Statuses, s => s.Context == "terraflow/plan: beta");
        Assert.Throws<Xunit.Sdk.XunitException>(() => CommentTable.Row(comment, "beta"));
    }
}
