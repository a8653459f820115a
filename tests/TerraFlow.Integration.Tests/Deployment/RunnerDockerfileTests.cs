using System.Text.RegularExpressions;
using System.Xml.Linq;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Deployment;

/// <summary>
/// Shape checks of runners/Dockerfile (no Docker engine runs here): it must not run as root, must verify what it
/// downloads, must pin Terraform, and must build every project the runner depends on.
/// </summary>
public sealed partial class RunnerDockerfileTests
{
    private static readonly string DockerfilePath = Path.Combine(RepoPaths.Root, "runners", "Dockerfile");

    private static string Dockerfile => File.Exists(DockerfilePath)
        ? File.ReadAllText(DockerfilePath)
        : throw new InvalidOperationException($"Expected the runner image definition at {DockerfilePath}.");

    /// <summary>Instructions after the last FROM: what the shipped image is made of.</summary>
    private static string FinalStage => Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

    [Fact]
    public void Final_stage_runs_as_a_non_root_user()
    {
        var users = UserRegex().Matches(FinalStage).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(users);
        var last = users[^1].Split(':')[0];
        Assert.NotEqual("root", last);
        Assert.NotEqual("0", last);
        Assert.Equal("10001", last);
        Assert.Contains("--uid 10001", FinalStage);
    }

    [Fact]
    public void Terraform_is_pinned_and_every_download_is_checksum_verified()
    {
        Assert.Matches(@"ARG TERRAFORM_VERSION=\d+\.\d+\.\d+\s", Dockerfile);
        Assert.Matches(@"ARG CONFTEST_VERSION=\d+\.\d+\.\d+\s", Dockerfile);
        Assert.Matches(@"ARG OPENTOFU_VERSION=\d+\.\d+\.\d+\s", Dockerfile);
        // OpenTofu is installed beside Terraform in every image (projects pick with `engine:`), never behind a switch.
        Assert.DoesNotContain("INSTALL_OPENTOFU", Dockerfile);
        Assert.Contains("unzip -q \"${zip}\" tofu -d /tools/bin", Dockerfile);
        Assert.Contains("ARG OPENTOFU_SHA256_AMD64=", Dockerfile);
        Assert.Contains("echo \"${pinned}  ${zip}\" | sha256sum -c -", Dockerfile);
        Assert.Contains("TerraFlow__Runner__TofuPath=tofu", FinalStage);
        Assert.DoesNotContain("latest", Dockerfile.Replace("--platform", ""), StringComparison.OrdinalIgnoreCase);

        // Each RUN that downloads with curl must also check what it downloaded.
        var downloads = RunRegex().Matches(Dockerfile).Select(m => m.Value).Where(run => run.Contains("curl -f")).ToList();
        Assert.True(downloads.Count >= 3, $"expected Terraform, OpenTofu and conftest downloads; found {downloads.Count}");
        foreach (var run in downloads)
            Assert.True(run.Contains("sha256sum -c"), $"download without checksum verification:\n{run}");
        Assert.Contains("releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_SHA256SUMS", Dockerfile);
    }

    [Fact]
    public void Image_has_git_and_starts_the_runner()
    {
        Assert.Matches(@"apt-get install[^\n]*\bgit\b", FinalStage);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"TerraFlow.Runner.dll\"]", FinalStage);
        Assert.Contains("COPY --from=tools /tools/bin/ /usr/local/bin/", FinalStage);
    }

    [Fact]
    public void Runtime_base_image_carries_the_shared_frameworks_the_runner_references()
    {
        var project = XDocument.Load(Path.Combine(RepoPaths.Root, "runners", "TerraFlow.Runner", "TerraFlow.Runner.csproj"));
        var needsAspNet = project.Descendants("FrameworkReference").Any(f => (string?)f.Attribute("Include") == "Microsoft.AspNetCore.App");
        var runtimeImage = FromRegex().Matches(Dockerfile)[^1].Groups[1].Value;
        Assert.Equal(needsAspNet ? "mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}" : "mcr.microsoft.com/dotnet/runtime:${DOTNET_VERSION}", runtimeImage);
        Assert.Contains("ARG DOTNET_VERSION=10.0", Dockerfile);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build", Dockerfile);
    }

    [Fact]
    public void Build_stage_copies_every_project_the_runner_references()
    {
        foreach (var projectDir in ProjectClosure(Path.Combine(RepoPaths.Root, "runners", "TerraFlow.Runner", "TerraFlow.Runner.csproj")))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, projectDir).Replace('\\', '/');
            Assert.Contains($"COPY {relative}/ {relative}/", Dockerfile);
            Assert.Contains($"COPY {relative}/{Path.GetFileName(relative)}.csproj {relative}/", Dockerfile);
        }
        Assert.Contains("COPY Directory.Build.props Directory.Packages.props ./", Dockerfile);
    }

    /// <summary>The directories of a project and everything it references, transitively.</summary>
    private static IEnumerable<string> ProjectClosure(string csproj)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current)) continue;
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                var include = ((string?)reference.Attribute("Include") ?? "").Replace('\\', '/');
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, include)));
            }
        }
        Assert.True(seen.Count >= 3, "expected the runner to reference Adapters and Core");
        return seen.Select(p => Path.GetDirectoryName(p)!);
    }

    [GeneratedRegex(@"^USER\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex UserRegex();

    // A RUN instruction with its backslash-continued lines.
    [GeneratedRegex(@"^RUN (?:[^\n]*\\\n)*[^\n]*", RegexOptions.Multiline)]
    private static partial Regex RunRegex();

    [GeneratedRegex(@"^FROM\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex FromRegex();
}
