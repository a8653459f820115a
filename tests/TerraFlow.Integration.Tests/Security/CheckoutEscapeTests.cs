using System.Diagnostics;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 3: a pull request commits symlinks that leave the checkout (to a secret file, to /dev/zero, to a
/// folder elsewhere on the runner). Real git repositories with real committed symlinks, the real host with its
/// in-process runner, real PostgreSQL; each test asserts what the pull request's author sees.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // symlinks and Unix permissions
public sealed class CheckoutEscapeTests : IDisposable
{
    private const int Pr = 9;
    private const string SecretText = "-----BEGIN RSA PRIVATE KEY----- MIIEo-the-app-key-nobody-may-see";
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "terraflow-outside-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-escape-work-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly TestGitRepository _git = TestGitRepository.Create();
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public CheckoutEscapeTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(Path.Combine(_outside, "infra"));
        File.WriteAllText(Path.Combine(_outside, "app.pem"), SecretText);
        File.WriteAllText(Path.Combine(_outside, "infra", "main.tf"), "resource \"terraform_data\" \"outside\" {}\n");
        File.SetUnixFileMode(Path.Combine(_outside, "app.pem"), UnixFileMode.UserRead);
    }

    public void Dispose()
    {
        // TestGitRepository's own cleanup clears attributes through links; remove the links first.
        foreach (var link in Directory.EnumerateFileSystemEntries(_git.Path_, "*", SearchOption.AllDirectories).Where(p => new FileInfo(p).LinkTarget is not null).ToList())
            File.Delete(link);
        _git.Dispose();
        try
        {
            File.SetUnixFileMode(Path.Combine(_outside, "app.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_outside, recursive: true);
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException) { }
    }

    private Task<LifecycleBed> StartAsync(string name) =>
        LifecycleBed.StartAsync(name, new Dictionary<string, string> { ["TerraFlow:Runner:WorkDirectory"] = _work });

    /// <summary>A base commit with one ordinary project, then the pull request's commit made by <paramref name="attack"/>.</summary>
    private (string Base, string Head) Commits(Action<string> attack)
    {
        _git.Write("network/main.tf", "resource \"terraform_data\" \"vnet\" {}\n")
            .Write("network/.standin/plan.json", TwoProjectRepo.NetworkPlan);
        var baseSha = _git.Commit("base");
        _git.Checkout("feature", create: true);
        attack(_git.Path_);
        return (baseSha, _git.Commit("the attack"));
    }

    private static void Link(string repo, string relative, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(repo, relative))!);
        File.CreateSymbolicLink(Path.Combine(repo, relative), target);
    }

    private static async Task<string> RunJsonAsync(LifecycleBed bed)
    {
        var runId = await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}");
        using var http = await bed.Host.ConsoleClientAsync();
        return await http.GetStringAsync($"{bed.Host.BaseUrl}/api/runs/{runId}");
    }

    private void AssertSecretNowhere(LifecycleBed bed, string runJson)
    {
        Assert.All(bed.GitHub.Comments(Owner, Repo, Pr), c => Assert.DoesNotContain("the-app-key-nobody-may-see", c.Body));
        Assert.DoesNotContain("the-app-key-nobody-may-see", runJson);
        Assert.Equal(SecretText, File.ReadAllText(Path.Combine(_outside, "app.pem")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(_outside, "app.pem")));
    }

    [Fact]
    public async Task A_terraflow_yml_symlinked_to_a_secret_file_is_a_config_error_that_never_shows_the_secret()
    {
        await using var bed = await StartAsync("escape_config");
        var (baseSha, head) = Commits(repo => Link(repo, ".terraflow.yml", Path.Combine(_outside, "app.pem")));

        await bed.OpenAsync(Pr, head, baseSha, _git.CloneUrl);

        var comment = await bed.WaitForCommentAsync(Pr, ".terraflow.yml");
        Assert.Contains("refused to read this file", comment.Body);
        Assert.Contains("outside the repository", comment.Body);
        var run = await RunJsonAsync(bed);
        Assert.Contains("refused to read this file", run);
        AssertSecretNowhere(bed, run);
        Assert.Equal("failed", await Eventually.ValueAsync(async () => System.Text.Json.JsonDocument.Parse(await RunJsonAsync(bed)).RootElement.GetProperty("status").GetString(), s => s == "failed", what: "the run failed"));
    }

    [Fact]
    public async Task A_tf_file_symlinked_to_dev_zero_fails_discovery_at_once_and_the_host_reads_nothing()
    {
        await using var bed = await StartAsync("escape_dev_zero");
        var (baseSha, head) = Commits(repo => Link(repo, "network/zero.tf", "/dev/zero"));
        var before = Process.GetCurrentProcess().WorkingSet64;
        var clock = Stopwatch.StartNew();

        await bed.OpenAsync(Pr, head, baseSha, _git.CloneUrl);

        var comment = await bed.WaitForCommentAsync(Pr, "network/zero.tf", TimeSpan.FromSeconds(30));
        clock.Stop();
        Assert.Contains("outside the repository", comment.Body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        // The unfixed runner read /dev/zero until the host died (4.5 GB); bounded means well under that.
        var grown = Process.GetCurrentProcess().WorkingSet64 - before;
        _output.WriteLine($"refusal comment after {clock.Elapsed.TotalSeconds:F1} s; host working set {before / (1024 * 1024)} MiB before, grew by {grown / (1024 * 1024)} MiB");
        Assert.True(grown < 512L * 1024 * 1024, $"the host's working set grew by {grown / (1024 * 1024)} MiB");
    }

    [Fact]
    public async Task A_project_dir_that_is_a_symlink_to_a_folder_outside_is_refused_and_never_planned()
    {
        await using var bed = await StartAsync("escape_project_dir");
        const string config = """
            version: 1
            projects:
              - name: stolen
                dir: stolen
                when_modified: ["../trigger.tf"]
            """;
        var (baseSha, head) = Commits(repo =>
        {
            Link(repo, "stolen", Path.Combine(_outside, "infra"));
            File.WriteAllText(Path.Combine(repo, ".terraflow.yml"), config);
            File.WriteAllText(Path.Combine(repo, "trigger.tf"), "# touches the project\n");
        });

        await bed.OpenAsync(Pr, head, baseSha, _git.CloneUrl);

        await bed.WaitForProjectStatusAsync(Pr, "stolen", "failed");
        var comment = await bed.WaitForCommentAsync(Pr, "symlink that points outside the repository");
        Assert.Contains("stolen", comment.Body);
        // Terraform never ran in the outside folder: no plan file, no .terraform there.
        Assert.Equal(["main.tf"], Directory.EnumerateFileSystemEntries(Path.Combine(_outside, "infra")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Workspace_cleanup_removes_links_to_outside_folders_and_leaves_their_targets_intact()
    {
        await using var bed = await StartAsync("escape_cleanup");
        var (baseSha, head) = Commits(repo =>
        {
            Link(repo, "network/data", _outside);
            Link(repo, "network/key.pem", Path.Combine(_outside, "app.pem"));
            File.AppendAllText(Path.Combine(repo, "network", "main.tf"), "# so the project is planned\n");
        });

        await bed.OpenAsync(Pr, head, baseSha, _git.CloneUrl);

        await bed.WaitForProjectStatusAsync(Pr, "network", "failed");
        await bed.WaitForCommentAsync(Pr, "symlink that points outside the repository");
        // Every job folder is gone (markers too), and what the links pointed at is untouched, permissions included.
        await Eventually.ValueAsync(() => Directory.Exists(_work) ? Directory.EnumerateFileSystemEntries(_work).Count() : 0, n => n == 0, what: "job folders deleted");
        Assert.Equal(["main.tf"], Directory.EnumerateFileSystemEntries(Path.Combine(_outside, "infra")).Select(Path.GetFileName));
        AssertSecretNowhere(bed, await RunJsonAsync(bed));
    }
}
