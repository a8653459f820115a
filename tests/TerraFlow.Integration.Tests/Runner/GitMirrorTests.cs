using TerraFlow.Core.Security;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace;
using TerraFlow.Runner.Workspace.Mirrors;
using TerraFlow.Testing.GitHttp;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// The runner's per-repository bare mirror (issue 18) with real git: over real smart HTTP (git http-backend behind
/// Kestrel) where credentials or SHA fetches matter, over local paths elsewhere.
/// </summary>
public sealed class GitMirrorTests : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-mirror-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly TestGitRepository _repo = TestGitRepository.Create();
    private GitSmartHttpServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_work, "served", "acme"));
        _server = await GitSmartHttpServer.StartAsync(Path.Combine(_work, "served"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repo.Dispose();
        try { WorkspaceFolders.DeleteTree(_work); } catch (IOException) { }
    }

    private RunnerOptions Options(long maxMegabytes = 1024) => new() { WorkDirectory = Path.Combine(_work, "runner"), GitCacheMaxMegabytes = maxMegabytes, CloneMode = "mirror" };

    private string Cache => Path.Combine(_work, "runner", "git-cache");

    /// <summary>Publishes the test repository as acme/infra.git on the HTTP server (a bare copy with every ref).</summary>
    private string Publish()
    {
        var bare = _server.RepositoryPath("acme", "infra");
        if (Directory.Exists(bare)) WorkspaceFolders.DeleteTree(bare);
        _repo.Git("clone", "--quiet", "--mirror", _repo.Path_, bare);
        return _server.CloneUrl("acme", "infra");
    }

    private static async Task<(GitWorkspace Workspace, JobSandbox Sandbox)> CheckoutAsync(RunnerOptions options, string url, string sha)
    {
        var masker = new SecretMasker();
        var sandbox = JobSandbox.Create(options, null, masker);
        var workspace = await GitWorkspace.CloneAsync(url, sha, null, options, masker, sandbox, CancellationToken.None);
        return (workspace, sandbox);
    }

    [Fact]
    public async Task Concurrent_jobs_of_one_repository_share_one_mirror_and_each_gets_its_own_commit()
    {
        var shas = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            _repo.Write("app/main.tf", $"# version {i}\n");
            shas.Add(_repo.Commit($"v{i}"));
        }
        var url = Publish();
        var options = Options();

        var jobs = await Task.WhenAll(shas.Select(async (sha, i) =>
        {
            var (workspace, sandbox) = await CheckoutAsync(options, url, sha);
            var text = await File.ReadAllTextAsync(Path.Combine(workspace.Root, "app", "main.tf"));
            var tracked = await workspace.TrackedFilesAsync(CancellationToken.None);
            await workspace.DisposeAsync();
            await sandbox.DisposeAsync();
            return (i, text, tracked, workspace.Root);
        }));

        foreach (var (i, text, tracked, root) in jobs)
        {
            Assert.Equal($"# version {i}\n", text);
            Assert.Equal(["app/main.tf"], tracked);
            Assert.False(Directory.Exists(root), "the job's checkout is deleted after the job");
        }
        Assert.Single(Directory.GetDirectories(Cache, "*.git"));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Cache, ".staging")));
    }

    [Fact]
    public async Task The_checkout_matches_a_fresh_clone_file_for_file_and_blob_for_blob()
    {
        _repo.Write("app/main.tf", "resource \"terraform_data\" \"a\" {}\n").Write("modules/m/main.tf", "# m\n").Write(".terraflow.yml", "version: 1\n");
        File.CreateSymbolicLink(Path.Combine(_repo.Path_, "app", "shared.tf"), "../modules/m/main.tf");
        var baseSha = _repo.Commit("base");
        _repo.Write("modules/m/main.tf", "# m2\n");
        var head = _repo.Commit("head");
        var url = Publish();

        var (mirror, s1) = await CheckoutAsync(Options(), url, head);
        var fresh = Options();
        fresh.CloneMode = "fresh";
        var (clone, s2) = await CheckoutAsync(fresh, url, head);
        await using (s1)
        await using (s2)
        await using (mirror)
        await using (clone)
        {
            Assert.True(mirror.FromMirror);
            Assert.False(clone.FromMirror);
            Assert.False(Directory.Exists(Path.Combine(mirror.Root, ".git")), "no .git: the job's children never see the mirror");
            Assert.Equal(await clone.TrackedBlobsAsync(CancellationToken.None), await mirror.TrackedBlobsAsync(CancellationToken.None));
            Assert.Equal(await clone.ChangedFilesAsync(baseSha, head, CancellationToken.None), await mirror.ChangedFilesAsync(baseSha, head, CancellationToken.None));
            Assert.Equal("../modules/m/main.tf", new FileInfo(Path.Combine(mirror.Root, "app", "shared.tf")).LinkTarget);
            Assert.Equal("version: 1\n", await new CommitFiles(mirror, baseSha).ReadTextAsync(".terraflow.yml", 1024, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_fork_head_reachable_only_from_a_pull_ref_is_fetched_by_sha()
    {
        _repo.Write("app/main.tf", "# base\n");
        var baseSha = _repo.Commit("base");
        _repo.Checkout("fork-work", create: true);
        _repo.Write("app/main.tf", "# from the fork\n");
        var forkHead = _repo.Commit("fork change");
        _repo.Checkout("main");
        var url = Publish();
        var bare = _server.RepositoryPath("acme", "infra");
        // As on GitHub: the fork's commit is in the base repository only under refs/pull/N/head, on no branch.
        _repo.Git("--git-dir=" + bare, "update-ref", "refs/pull/7/head", forkHead);
        _repo.Git("--git-dir=" + bare, "update-ref", "-d", "refs/heads/fork-work");

        var (workspace, sandbox) = await CheckoutAsync(Options(), url, forkHead);
        await using (sandbox)
        await using (workspace)
        {
            Assert.Equal("# from the fork\n", await File.ReadAllTextAsync(Path.Combine(workspace.Root, "app", "main.tf")));
            Assert.Equal(["app/main.tf"], await workspace.ChangedFilesAsync(baseSha, forkHead, CancellationToken.None));
        }
    }

    [Fact]
    public async Task The_credential_reaches_the_server_but_never_the_disk()
    {
        _repo.Write("app/main.tf", "# private\n");
        var sha = _repo.Commit("private");
        var url = Publish();
        const string token = "ghs_mirrorSecretToken0123456789";
        var header = "Authorization: Basic " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("x-access-token:" + token));
        _server.RequiredAuthorization = header["Authorization: ".Length..];
        var options = Options();

        await using (var denied = await GitMirror.LeaseAsync(options, url, null, new SecretMasker(), CancellationToken.None))
        {
            var refused = await Assert.ThrowsAsync<WorkspaceException>(() => denied.EnsureCommitsAsync([sha], CancellationToken.None));
            Assert.False(denied.Rebuilt, "an authentication failure is not corruption");
            Assert.Contains("fetch", refused.Message);
        }
        var masker = new SecretMasker();
        masker.Add(token);
        await using (var mirror = await GitMirror.LeaseAsync(options, url, header, masker, CancellationToken.None))
        {
            await mirror.EnsureCommitsAsync([sha], CancellationToken.None);
            Assert.True(await mirror.HasCommitAsync(sha, CancellationToken.None));
        }
        Assert.Contains(_server.RequiredAuthorization, _server.Authorizations);

        var base64 = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("x-access-token:" + token));
        foreach (var file in Directory.EnumerateFiles(Cache, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(base64, text, StringComparison.Ordinal);
            Assert.DoesNotContain("extraheader", text, StringComparison.OrdinalIgnoreCase);
        }
        var config = await File.ReadAllTextAsync(Path.Combine(Directory.GetDirectories(Cache, "*.git").Single(), "config"));
        Assert.DoesNotContain("[remote", config, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_mirror_is_deleted_and_fetched_again_once()
    {
        // modules/ is the same in both commits: the second checkout needs its objects from the damaged pack.
        _repo.Write("app/main.tf", "# one\n").Write("modules/net/main.tf", "# shared\n");
        var first = _repo.Commit("one");
        var url = Publish();
        var options = Options();
        var (w1, s1) = await CheckoutAsync(options, url, first);
        await w1.DisposeAsync();
        await s1.DisposeAsync();
        var mirror = Directory.GetDirectories(Cache, "*.git").Single();
        var generation = await File.ReadAllTextAsync(Path.Combine(mirror, "terraflow-created"));
        // Damage: the packs' bytes overwritten (their indexes intact, so git believes it has the objects).
        foreach (var pack in Directory.GetFiles(Path.Combine(mirror, "objects", "pack"), "*.pack"))
        {
            var length = new FileInfo(pack).Length;
            File.SetAttributes(pack, FileAttributes.Normal);
            await File.WriteAllBytesAsync(pack, Enumerable.Repeat((byte)0x5a, (int)length).ToArray());
        }

        _repo.Write("app/main.tf", "# two\n");
        var second = _repo.Commit("two");
        Publish();
        var (w2, s2) = await CheckoutAsync(options, url, second);
        await using (s2)
        await using (w2)
        {
            Assert.Equal("# two\n", await File.ReadAllTextAsync(Path.Combine(w2.Root, "app", "main.tf")));
            Assert.Equal("# shared\n", await File.ReadAllTextAsync(Path.Combine(w2.Root, "modules", "net", "main.tf")));
        }
        Assert.NotEqual(generation, await File.ReadAllTextAsync(Path.Combine(mirror, "terraflow-created")));
        var fsck = _repo.Git("--git-dir=" + mirror, "fsck", "--connectivity-only", "--no-dangling");
        Assert.DoesNotContain("missing", fsck);
    }

    [Fact]
    public async Task The_cache_evicts_least_recently_used_mirrors_but_never_one_in_use()
    {
        var repos = new List<(TestGitRepository Repo, string Sha)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var repo = TestGitRepository.Create();
                repo.Write("main.tf", $"# repo {i}\n" + new string('x', 50_000 + i));
                repos.Add((repo, repo.Commit("only")));
            }
            var options = Options();
            foreach (var (repo, sha) in repos)
            {
                var (w, s) = await CheckoutAsync(options, repo.CloneUrl, sha);
                await w.DisposeAsync();
                await s.DisposeAsync();
                await Task.Delay(20); // distinct use times
            }
            var keys = repos.Select(r => GitMirror.Key(r.Repo.CloneUrl)).ToList();
            var sizes = keys.Select(k => GitCacheEviction.Size(new DirectoryInfo(Path.Combine(Cache, k + ".git")))).ToList();
            // Repository 0 is the least recently used; repository 1 is in use (a lease held).
            File.SetLastWriteTimeUtc(Path.Combine(Cache, keys[0] + ".use"), DateTime.UtcNow.AddHours(-3));
            File.SetLastWriteTimeUtc(Path.Combine(Cache, keys[1] + ".use"), DateTime.UtcNow.AddHours(-2));
            File.SetLastWriteTimeUtc(Path.Combine(Cache, keys[2] + ".use"), DateTime.UtcNow.AddHours(-1));
            await using (var held = await GitMirror.LeaseAsync(options, repos[1].Repo.CloneUrl, null, new SecretMasker(), CancellationToken.None))
            {
                File.SetLastWriteTimeUtc(Path.Combine(Cache, keys[1] + ".use"), DateTime.UtcNow.AddHours(-2));
                // Room for one mirror: 0 goes (oldest), 1 stays (in use) although it is older than 2, so 2 goes too.
                var deleted = await GitCacheEviction.TrimAsync(Cache, sizes[1] + 10);
                Assert.Equal([Path.Combine(Cache, keys[0] + ".git"), Path.Combine(Cache, keys[2] + ".git")], deleted);
                Assert.True(Directory.Exists(Path.Combine(Cache, keys[1] + ".git")));
            }
            // Released with a budget of 0: nothing in use any more, so the last one goes as well.
            Assert.Equal([Path.Combine(Cache, keys[1] + ".git")], await GitCacheEviction.TrimAsync(Cache, 0));
        }
        finally
        {
            foreach (var (repo, _) in repos) repo.Dispose();
        }
    }

    [Fact]
    public async Task Symlinks_are_written_as_links_and_nothing_outside_the_checkout_is_written_or_chowned()
    {
        var outside = Path.Combine(_work, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "keep.txt"), "untouched");
        _repo.Write("app/main.tf", "# app\n");
        File.CreateSymbolicLink(Path.Combine(_repo.Path_, "app", "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(_repo.Path_, "app", "file-escape"), Path.Combine(outside, "keep.txt"));
        var sha = _repo.Commit("links out");
        var url = Publish();
        var ownerBefore = Stat(outside);

        var (workspace, sandbox) = await CheckoutAsync(Options(), url, sha);
        await using (sandbox)
        await using (workspace)
        {
            Assert.Equal(outside, new FileInfo(Path.Combine(workspace.Root, "app", "escape")).LinkTarget);
            var refused = await Assert.ThrowsAsync<WorkspaceException>(() => workspace.RefuseSymlinksLeavingCheckoutAsync(CancellationToken.None));
            Assert.Contains("app/escape", refused.Message);
            if (sandbox.User is { } user)
            {
                Assert.Equal(user.Uid, Stat(workspace.Root).Uid);
                Assert.Equal(user.Uid, Stat(Path.Combine(workspace.Root, "app", "main.tf")).Uid);
            }
        }
        Assert.Equal(ownerBefore, Stat(outside));
        Assert.Equal(ownerBefore, Stat(Path.Combine(outside, "keep.txt")));
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Equal("untouched", await File.ReadAllTextAsync(Path.Combine(outside, "keep.txt")));
    }

    [Fact]
    public async Task A_staged_checkout_left_by_a_killed_runner_is_swept_and_a_recent_one_is_not()
    {
        var options = Options();
        var staging = Path.Combine(Cache, ".staging");
        Directory.CreateDirectory(staging);
        var stale = Directory.CreateDirectory(Path.Combine(staging, "stale")).FullName;
        await File.WriteAllTextAsync(Path.Combine(stale, "main.tf"), "# left behind\n");
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow - options.CloneTimeout * 4);
        var recent = Directory.CreateDirectory(Path.Combine(staging, "recent")).FullName;

        await using (await GitMirror.LeaseAsync(options, "/nonexistent/repo", null, new SecretMasker(), CancellationToken.None)) { }

        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(recent));
    }

    private static (uint Uid, uint Gid) Stat(string path)
    {
        var output = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true })!;
        var text = output.StandardOutput.ReadToEnd().Trim().Split(' ');
        output.WaitForExit();
        return (uint.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture), uint.Parse(text[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
