using TerraFlow.Core.Security;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace;
using TerraFlow.Runner.Workspace.Mirrors;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// Mirror maintenance with real git over a local path: refs bounded to the most recently fetched, packs merged, a
/// pruned commit fetched again, and nothing touched while another job holds the mirror.
/// </summary>
public sealed class GitMirrorMaintenanceTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-mirrormaint-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly TestGitRepository _repo = TestGitRepository.Create();

    public GitMirrorMaintenanceTests() =>
        // Wants by SHA answered directly (as GitHub does), so no branch fallback keeps a pruned commit reachable.
        _repo.Git("config", "uploadpack.allowAnySHA1InWant", "true");

    public void Dispose()
    {
        _repo.Dispose();
        try { WorkspaceFolders.DeleteTree(_work); } catch (IOException) { }
    }

    private RunnerOptions Options(int maxRefs, int maxPacks) => new()
    {
        WorkDirectory = Path.Combine(_work, "runner"), CloneMode = "mirror", GitMirrorMaxRefs = maxRefs, GitMirrorMaxPacks = maxPacks,
    };

    private string MirrorDir => Path.Combine(_work, "runner", "git-cache", GitMirror.Key(_repo.CloneUrl) + ".git");

    private List<string> Commits(int count, string file = "app/main.tf")
    {
        var shas = new List<string>();
        for (var i = 0; i < count; i++)
        {
            _repo.Write(file, $"# {file} version {i} {Guid.NewGuid():N}\n");
            shas.Add(_repo.Commit($"{file} v{i}"));
        }
        return shas;
    }

    /// <summary>One job: lease, fetch, release (which maintains).</summary>
    private async Task<GitMirrorMaintenanceResult?> JobAsync(RunnerOptions options, params string[] shas)
    {
        var mirror = await GitMirror.LeaseAsync(options, _repo.CloneUrl, null, new SecretMasker(), CancellationToken.None);
        await mirror.EnsureCommitsAsync(shas, CancellationToken.None);
        await mirror.DisposeAsync();
        return mirror.Maintenance;
    }

    private List<string> TerraflowRefs() =>
        [.. _repo.Git("--git-dir=" + MirrorDir, "for-each-ref", "--format=%(refname)", "refs/")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private static List<string> RefsOf(IEnumerable<string> shas) => [.. shas.Select(s => GitMirror.RefPrefix + s).Order(StringComparer.Ordinal)];

    private bool MirrorHas(string sha)
    {
        try
        {
            _repo.Git("--git-dir=" + MirrorDir, "cat-file", "-e", sha + "^{commit}");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Refs_stay_bounded_to_the_most_recently_fetched_commits()
    {
        var options = Options(maxRefs: 3, maxPacks: 1000);
        var shas = Commits(8);
        foreach (var sha in shas) await JobAsync(options, sha);
        Assert.Equal(RefsOf(shas[5..]), TerraflowRefs());

        // Commit 5 is wanted again (no new ref), then a new one arrives: 6 is now the least recently fetched, not 5,
        // although 5 is the older commit.
        await JobAsync(options, shas[5]);
        var newer = Commits(1)[0];
        var result = await JobAsync(options, newer);

        Assert.Equal(RefsOf([shas[5], shas[7], newer]), TerraflowRefs());
        Assert.Equal(new GitMirrorMaintenanceResult(true, 1, false), result);
        // The fetch log is compacted along with the refs, so it stays bounded too.
        Assert.Equal(3, (await File.ReadAllLinesAsync(Path.Combine(MirrorDir, GitMirrorMaintenance.UseLog))).Length);
    }

    [Fact]
    public async Task Many_fetches_are_repacked_into_one_pack_and_keep_every_commit()
    {
        var options = Options(maxRefs: 1000, maxPacks: 4);
        var shas = Commits(7);
        var mirror = await GitMirror.LeaseAsync(options, _repo.CloneUrl, null, new SecretMasker(), CancellationToken.None);
        foreach (var sha in shas) await mirror.EnsureCommitsAsync([sha], CancellationToken.None);
        var before = GitMirrorMaintenance.CountPacks(MirrorDir);

        await mirror.DisposeAsync();

        Assert.True(before > 4, $"each fetch adds a pack: {before}");
        Assert.Equal(new GitMirrorMaintenanceResult(true, 0, true), mirror.Maintenance);
        Assert.Equal(1, GitMirrorMaintenance.CountPacks(MirrorDir));
        Assert.All(shas, sha => Assert.True(MirrorHas(sha), sha));
        Assert.Equal(RefsOf(shas), TerraflowRefs());
    }

    [Fact]
    public async Task A_commit_whose_ref_and_objects_were_pruned_is_fetched_again_and_checked_out()
    {
        var options = Options(maxRefs: 1, maxPacks: 1);
        _repo.Write("app/main.tf", "# base\n");
        _repo.Commit("base");
        _repo.Checkout("old", create: true);
        _repo.Write("app/only-on-old.tf", "# only on the old branch\n");
        var old = _repo.Commit("old work");
        _repo.Checkout("main");
        var newer = Commits(2)[^1];

        await JobAsync(options, old);
        var result = await JobAsync(options, newer);

        Assert.Equal(new GitMirrorMaintenanceResult(true, 1, true), result);
        Assert.Equal(RefsOf([newer]), TerraflowRefs());
        Assert.False(MirrorHas(old), "the pruned commit's objects went with the repack");

        var masker = new SecretMasker();
        var sandbox = JobSandbox.Create(options, null, masker);
        await using (sandbox)
        {
            var workspace = await GitWorkspace.CloneAsync(_repo.CloneUrl, old, null, options, masker, sandbox, CancellationToken.None);
            await using (workspace)
            {
                Assert.True(workspace.FromMirror);
                Assert.Equal("# only on the old branch\n", await File.ReadAllTextAsync(Path.Combine(workspace.Root, "app", "only-on-old.tf")));
                Assert.Equal(["app/main.tf", "app/only-on-old.tf"], await workspace.TrackedFilesAsync(CancellationToken.None));
            }
        }
        Assert.True(MirrorHas(old));
        Assert.Equal(RefsOf([old]), TerraflowRefs()); // fetched again; the older one pruned when that job ended
    }

    [Fact]
    public async Task A_commit_whose_ref_was_pruned_but_whose_objects_remain_gets_its_ref_back()
    {
        var options = Options(maxRefs: 1, maxPacks: 1000);
        var shas = Commits(2);
        await JobAsync(options, shas[0]);
        await JobAsync(options, shas[1]);
        Assert.Equal(RefsOf([shas[1]]), TerraflowRefs());
        Assert.True(MirrorHas(shas[0]), "no repack yet: only the ref went");

        var result = await JobAsync(options, shas[0]);

        Assert.Equal(new GitMirrorMaintenanceResult(true, 1, false), result);
        Assert.Equal(RefsOf([shas[0]]), TerraflowRefs());
    }

    [Fact]
    public async Task Maintenance_is_skipped_while_another_job_holds_the_mirror()
    {
        var options = Options(maxRefs: 2, maxPacks: 2);
        var shas = Commits(4);
        var held = await GitMirror.LeaseAsync(options, _repo.CloneUrl, null, new SecretMasker(), CancellationToken.None);
        try
        {
            var busy = await GitMirror.LeaseAsync(options, _repo.CloneUrl, null, new SecretMasker(), CancellationToken.None);
            foreach (var sha in shas) await busy.EnsureCommitsAsync([sha], CancellationToken.None);
            var packs = GitMirrorMaintenance.CountPacks(MirrorDir);
            await busy.DisposeAsync();

            Assert.Equal(GitMirrorMaintenanceResult.Skipped, busy.Maintenance);
            Assert.Equal(packs, GitMirrorMaintenance.CountPacks(MirrorDir));
            Assert.Equal(RefsOf(shas), TerraflowRefs());
            Assert.All(shas, sha => Assert.True(MirrorHas(sha)));
        }
        finally
        {
            await held.DisposeAsync();
        }
        // The last job out maintains.
        Assert.Equal(new GitMirrorMaintenanceResult(true, 2, true), held.Maintenance);
        Assert.Equal(1, GitMirrorMaintenance.CountPacks(MirrorDir));
        Assert.Equal(RefsOf(shas[2..]), TerraflowRefs());
    }
}
