using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Runner;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>The allow-listed environment of the runner's children (issue 9, "Runner environment").</summary>
public sealed class ChildEnvironmentTests
{
    private static readonly IReadOnlyDictionary<string, string?> RunnerEnvironment = new Dictionary<string, string?>
    {
        ["PATH"] = "/opt/tools/bin:/usr/bin",
        ["LANG"] = "de_DE.UTF-8",
        ["HOME"] = "/root",
        ["TMPDIR"] = "/var/tmp",
        ["ConnectionStrings__Postgres"] = "Host=db;Password=db-password",
        ["TerraFlow__Approvals__SigningKey"] = "c2lnbmluZy1rZXk=",
        ["ARM_CLIENT_SECRET"] = "runner-own-secret",
        ["IDENTITY_ENDPOINT"] = "http://localhost:42356/msi/token",
        ["IDENTITY_HEADER"] = "identity-header-value",
        ["PGPASSWORD"] = "pg-password",
    };

    private static RunnerOptions Options() => new()
    {
        Environment = { ["TF_LOG"] = "INFO", ["TF_TOKEN_app_terraform_io"] = "registry-token", ["HOME"] = "/operator/home" },
        Credentials =
        {
            new RunnerCredential { Repositories = "acme/*", Environment = { ["ARM_CLIENT_ID"] = "acme-client" } },
            new RunnerCredential { Repositories = "acme/infra", Projects = "prod-*", Environment = { ["ARM_CLIENT_SECRET"] = "prod-secret" }, PassThrough = "IDENTITY_ENDPOINT, IDENTITY_HEADER" },
            new RunnerCredential { Repositories = "other/*", Environment = { ["AWS_SECRET_ACCESS_KEY"] = "other-secret" } },
            new RunnerCredential { Provider = "gitlab", Environment = { ["GITLAB_ONLY"] = "gitlab-secret" } },
        },
    };

    private static JobSpec Spec(string project = "prod-network", bool untrusted = false, string? provider = null, string repo = "infra") =>
        new(JobKinds.Plan, 1, "acme", repo, null, "https://github.com/acme/infra.git", new string('a', 40), new string('b', 40),
            new ProjectDefinition(project, project, "default", ["**/*.tf"], [], true), "op")
        {
            Untrusted = untrusted,
            Provider = provider,
        };

    private static ChildEnvironment Build(ChildPurpose purpose, JobSpec? spec) =>
        ChildEnvironment.Build(purpose, Options(), spec, "/work/job/home", "/work/job/tmp", RunnerEnvironment);

    [Fact]
    public void Terraform_in_a_trusted_job_gets_the_base_the_operator_environment_and_the_matching_credentials_only()
    {
        var env = Build(ChildPurpose.Terraform, Spec()).Variables;

        Assert.Equal(
            ["ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "HOME", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "LANG", "PATH", "TF_LOG", "TF_TOKEN_app_terraform_io", "TMPDIR"],
            env.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/opt/tools/bin:/usr/bin", env["PATH"]);
        Assert.Equal("de_DE.UTF-8", env["LANG"]);
        Assert.Equal("/work/job/home", env["HOME"]); // the job's, even though the operator set HOME
        Assert.Equal("/work/job/tmp", env["TMPDIR"]);
        Assert.Equal("prod-secret", env["ARM_CLIENT_SECRET"]); // the credential's, never the runner's own value
        Assert.Equal("identity-header-value", env["IDENTITY_HEADER"]);
    }

    [Fact]
    public void Credentials_follow_their_repository_project_and_provider_globs()
    {
        var dev = Build(ChildPurpose.Terraform, Spec(project: "dev-network")).Variables;
        Assert.Equal("acme-client", dev["ARM_CLIENT_ID"]);
        Assert.False(dev.ContainsKey("ARM_CLIENT_SECRET"));
        Assert.False(dev.ContainsKey("IDENTITY_HEADER"));

        var otherRepo = Build(ChildPurpose.Terraform, Spec(repo: "apps")).Variables;
        Assert.False(otherRepo.ContainsKey("ARM_CLIENT_SECRET")); // acme/infra only
        Assert.False(otherRepo.ContainsKey("AWS_SECRET_ACCESS_KEY"));

        var gitlab = Build(ChildPurpose.Terraform, Spec(provider: "gitlab")).Variables;
        Assert.Equal("gitlab-secret", gitlab["GITLAB_ONLY"]);
        Assert.False(Build(ChildPurpose.Terraform, Spec()).Variables.ContainsKey("GITLAB_ONLY"));
    }

    [Fact]
    public void Credential_values_and_secret_looking_operator_variables_are_reported_for_masking()
    {
        var secrets = Build(ChildPurpose.Terraform, Spec()).Secrets;
        Assert.Contains("prod-secret", secrets);
        Assert.Contains("acme-client", secrets);
        Assert.Contains("identity-header-value", secrets);
        Assert.Contains("registry-token", secrets);
        Assert.DoesNotContain("INFO", secrets);
    }

    [Theory]
    [InlineData(ChildPurpose.Terraform, true)]
    [InlineData(ChildPurpose.Git, false)]
    [InlineData(ChildPurpose.Policy, false)]
    public void Untrusted_jobs_git_and_conftest_get_the_base_only(ChildPurpose purpose, bool untrusted)
    {
        var env = Build(purpose, Spec(untrusted: untrusted));
        Assert.Equal(["HOME", "LANG", "PATH", "TMPDIR"], env.Variables.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(env.Secrets);
    }

    [Fact]
    public void Nothing_of_the_runners_own_environment_but_PATH_and_LANG_is_ever_passed()
    {
        foreach (var purpose in Enum.GetValues<ChildPurpose>())
        foreach (var spec in new[] { Spec(), Spec(untrusted: true), null })
        {
            var values = Build(purpose, spec).Variables.Values;
            foreach (var value in new[] { "Host=db;Password=db-password", "c2lnbmluZy1rZXk=", "runner-own-secret", "pg-password", "/root", "/var/tmp" })
                Assert.DoesNotContain(value, values);
        }
    }

    [Fact]
    public void Without_PATH_or_LANG_in_the_runner_defaults_are_used()
    {
        var env = ChildEnvironment.Build(ChildPurpose.Git, new RunnerOptions(), null, "/h", "/t", new Dictionary<string, string?>()).Variables;
        Assert.Equal(ChildEnvironment.DefaultPath, env["PATH"]);
        Assert.Equal(ChildEnvironment.DefaultLang, env["LANG"]);
    }

    [Theory]
    [InlineData("acme/*", "acme/infra", true)]
    [InlineData("acme/*", "acme/group/infra", true)]
    [InlineData("acme/*", "acmex/infra", false)]
    [InlineData("*/infra", "acme/infra", true)]
    [InlineData("prod-?", "prod-1", true)]
    [InlineData("prod-?", "prod-12", false)]
    [InlineData("prod", "prod-1", false)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    public void Name_globs(string pattern, string name, bool match) => Assert.Equal(match, NameGlob.IsMatch(pattern, name));

    [Fact]
    public void A_pathological_glob_is_decided_quickly()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(NameGlob.IsMatch(string.Concat(Enumerable.Repeat("*a", 50)) + "b", new string('a', 2_000)));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"took {watch.Elapsed}");
    }
}
