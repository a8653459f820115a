namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>
/// A repository with two Terraform projects (network, app) and a local module that only app uses, with a base
/// commit on main and a pull-request head commit that touches network and the module. Each project carries the plan
/// its stand-in replays: network creates 2 and updates 1; app replaces 1 and deletes 1.
/// </summary>
public sealed class TwoProjectRepo : IDisposable
{
    public TestGitRepository Git { get; } = TestGitRepository.Create();

    public string BaseSha { get; }

    public string HeadSha { get; }

    public static readonly string NetworkPlan = PlanJson.With(
        ("null_resource.vnet", ["create"]), ("null_resource.subnet", ["create"]), ("null_resource.dns", ["update"]));

    public static readonly string AppPlan = PlanJson.With(
        ("null_resource.web", ["delete", "create"]), ("null_resource.old", ["delete"]), ("null_resource.same", ["no-op"]));

    /// <param name="baseFiles">More files of the base commit (path → text), e.g. the base branch's policies.</param>
    public TwoProjectRepo(string? config = null, IReadOnlyDictionary<string, string>? baseFiles = null)
    {
        Git.Write("README.md", "# infra\n")
           .Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\n")
           .Write("network/.standin/plan.json", NetworkPlan)
           .Write("app/main.tf", "module \"common\" {\n  source = \"../modules/common\"\n}\n")
           .Write("app/.standin/plan.json", AppPlan)
           .Write("modules/common/main.tf", "variable \"x\" {}\n");
        if (config is not null) Git.Write(".terraflow.yml", config);
        foreach (var (path, text) in baseFiles ?? new Dictionary<string, string>()) Git.Write(path, text);
        BaseSha = Git.Commit("base");
        Git.Checkout("feature", create: true);
        Git.Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"subnet\" {}\n")
           .Write("modules/common/main.tf", "variable \"x\" {}\nvariable \"y\" {}\n");
        HeadSha = Git.Commit("change network and the common module");
    }

    public void Dispose() => Git.Dispose();
}
