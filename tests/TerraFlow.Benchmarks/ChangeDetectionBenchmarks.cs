using System.Text;
using BenchmarkDotNet.Attributes;
using TerraFlow.Core.Projects;

namespace TerraFlow.Benchmarks;

/// <summary>
/// Change detection at the scale of a large monorepo: 1,000 projects, 100 local modules (a call tree up to 7
/// levels deep) and a 10,000-file diff, 20% of it inside modules. A tenth of the projects use modules nobody
/// changes and see no changes of their own, so the search never ends early and every file is examined.
/// </summary>
[MemoryDiagnoser]
public class ChangeDetectionBenchmarks
{
    private const int Teams = 50;
    private const int ServicesPerTeam = 20; // 50 × 20 = 1,000 projects
    private const int Modules = 100;
    private const int ChangedFiles = 10_000;

    private InMemoryRepositorySnapshot _repo = null!;
    private string _configYaml = null!;
    private IReadOnlyList<ProjectDefinition> _projects = null!;
    private ModuleGraph _modules = null!;
    private AffectedProjectsIndex _index = null!;
    private string[] _changedFiles = null!;

    [GlobalSetup]
    public void Setup()
    {
        var files = new List<(string, string)>();
        var yaml = new StringBuilder("version: 1\nprojects:\n");
        for (var team = 0; team < Teams; team++)
        {
            for (var service = 0; service < ServicesPerTeam; service++)
            {
                var dir = $"envs/team{team}/svc{service}";
                // Quiet teams (45..49) call only modules 90..99, which the diff never touches.
                var module = team >= 45 ? 90 + service % 10 : (team * ServicesPerTeam + service) % 90;
                files.Add(($"{dir}/main.tf", $$"""
                    module "app" {
                      source = "../../../modules/m{{module}}"
                      name   = "svc{{service}}"
                    }
                    """));
                yaml.Append($"  - dir: {dir}\n");
                if (service % 10 == 0) yaml.Append("    when_modified: [\"**/*.tf\", \"**/*.tfvars\", \"../../../shared/*.tfvars\"]\n");
            }
        }
        for (var m = 0; m < Modules; m++)
        {
            // Module k calls module k/2 within its half (0..89 or 90..99), forming a shallow tree.
            var parent = m < 90 ? m / 2 : 90 + (m - 90) / 2;
            var body = m == parent ? "variable \"x\" {}\n" : $"module \"inner\" {{\n  source = \"../m{parent}\"\n}}\n";
            files.Add(($"modules/m{m}/main.tf", body));
        }
        _repo = new InMemoryRepositorySnapshot(files.ToArray());
        _configYaml = yaml.ToString();

        var parsed = RepoConfigParser.Parse(".terraflow.yml", _configYaml);
        _projects = parsed.Config?.Projects ?? throw new InvalidOperationException(parsed.Error?.ToString());
        _modules = ModuleGraph.Build(_repo);
        _index = new AffectedProjectsIndex(_projects, _modules);

        var random = new Random(42);
        _changedFiles = new string[ChangedFiles];
        for (var i = 0; i < ChangedFiles; i++)
        {
            var roll = random.Next(100);
            _changedFiles[i] = roll switch
            {
                < 20 => $"modules/m{random.Next(90)}/file{i}.tf",
                < 30 => $"docs/page{i}.md",
                < 35 => $"envs/team{random.Next(45)}/svc{random.Next(ServicesPerTeam)}/README{i}.md",
                _ => $"envs/team{random.Next(45)}/svc{random.Next(ServicesPerTeam)}/sub{i % 3}/file{i}.tf",
            };
        }

        var affected = _index.Find(_changedFiles).Count;
        if (affected == 0 || affected == _projects.Count)
            throw new InvalidOperationException($"synthetic data should affect some but not all projects, got {affected}");
    }

    [Benchmark(Baseline = true, Description = "AffectedProjects.Find (builds index)")]
    public int FindAffected() => AffectedProjects.Find(_projects, _modules, _changedFiles).Count;

    [Benchmark(Description = "AffectedProjectsIndex.Find (prebuilt)")]
    public int FindWithPrebuiltIndex() => _index.Find(_changedFiles).Count;

    [Benchmark(Description = "ModuleGraph.Build (1,100 .tf files)")]
    public int BuildModuleGraph() => ModuleGraph.Build(_repo).References.Count;

    [Benchmark(Description = "RepoConfigParser.Parse (1,000 projects)")]
    public int ParseConfig() => RepoConfigParser.Parse(".terraflow.yml", _configYaml).Config!.Projects.Count;
}
