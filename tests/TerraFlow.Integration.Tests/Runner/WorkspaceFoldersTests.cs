using TerraFlow.Runner.Workspace;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>Deleting and sweeping job folders never follows a symlink, and never touches a folder a runner did not make.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // symlinks and Unix permissions
public sealed class WorkspaceFoldersTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "terraflow-workspace-folders-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _work;
    private readonly string _outside;

    public WorkspaceFoldersTests()
    {
        _work = Path.Combine(_scratch, "work");
        _outside = Path.Combine(_scratch, "outside");
        Directory.CreateDirectory(_work);
        Directory.CreateDirectory(Path.Combine(_outside, "deep"));
        File.WriteAllText(Path.Combine(_outside, "deep", "state.tfstate"), "precious");
        File.WriteAllText(Path.Combine(_outside, "key.pem"), "key");
        File.SetUnixFileMode(Path.Combine(_outside, "key.pem"), UnixFileMode.UserRead);
        File.SetUnixFileMode(Path.Combine(_outside, "deep", "state.tfstate"), UnixFileMode.UserRead);
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(_outside, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException) { }
    }

    private void AssertOutsideIntact()
    {
        Assert.Equal("precious", File.ReadAllText(Path.Combine(_outside, "deep", "state.tfstate")));
        Assert.Equal("key", File.ReadAllText(Path.Combine(_outside, "key.pem")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(_outside, "key.pem")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(_outside, "deep", "state.tfstate")));
    }

    [Fact]
    public void Deleting_a_job_folder_removes_links_not_their_targets()
    {
        var root = WorkspaceFolders.Reserve(_work);
        Directory.CreateDirectory(Path.Combine(root, ".git", "objects", "pack"));
        File.WriteAllText(Path.Combine(root, ".git", "objects", "pack", "p.pack"), "x");
        File.SetAttributes(Path.Combine(root, ".git", "objects", "pack", "p.pack"), FileAttributes.ReadOnly); // as git leaves them
        File.CreateSymbolicLink(Path.Combine(root, "data"), _outside);
        File.CreateSymbolicLink(Path.Combine(root, "key.pem"), Path.Combine(_outside, "key.pem"));
        File.CreateSymbolicLink(Path.Combine(root, ".git", "state"), Path.Combine(_outside, "deep"));

        WorkspaceFolders.Release(root);

        Assert.False(Directory.Exists(root) || File.Exists(root + WorkspaceFolders.MarkerSuffix), "the job folder or its marker is left");
        AssertOutsideIntact();
    }

    [Fact]
    public void A_sweep_deletes_folders_of_dead_runners_and_leaves_live_and_foreign_ones()
    {
        var live = WorkspaceFolders.Reserve(_work);
        Directory.CreateDirectory(live);
        var dead = Path.Combine(_work, WorkspaceFolders.Prefix + new string('d', 32));
        Directory.CreateDirectory(dead);
        File.CreateSymbolicLink(Path.Combine(dead, "data"), _outside);
        // The pid is this test process, but the start time is not: a runner that died and whose pid was reused.
        File.WriteAllText(dead + WorkspaceFolders.MarkerSuffix, $"{Environment.ProcessId}\n12345\n");
        var foreign = Path.Combine(_work, WorkspaceFolders.Prefix + new string('f', 32)); // no marker: not made by a runner
        Directory.CreateDirectory(foreign);
        var linked = Path.Combine(_work, WorkspaceFolders.Prefix + new string('a', 32)); // the job folder itself is a link
        File.CreateSymbolicLink(linked, _outside);
        File.WriteAllText(linked + WorkspaceFolders.MarkerSuffix, "999999999\n1\n");

        var deleted = WorkspaceFolders.Sweep(_work, TimeSpan.FromHours(3), DateTimeOffset.UtcNow);

        Assert.Equal(new[] { dead, linked }.Order(), deleted.Order());
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(foreign));
        Assert.False(Directory.Exists(dead));
        Assert.False(File.Exists(linked) || Directory.Exists(linked));
        AssertOutsideIntact();
        WorkspaceFolders.Release(live);
    }

    [Fact]
    public void A_folder_older_than_the_longest_job_is_swept_even_when_its_runner_lives()
    {
        var old = Path.Combine(_work, WorkspaceFolders.Prefix + new string('b', 32));
        Directory.CreateDirectory(old);
        File.WriteAllText(old + WorkspaceFolders.MarkerSuffix, $"1\n0\n");
        File.SetLastWriteTimeUtc(old + WorkspaceFolders.MarkerSuffix, DateTime.UtcNow.AddHours(-4));

        Assert.Equal([old], WorkspaceFolders.Sweep(_work, TimeSpan.FromHours(3), DateTimeOffset.UtcNow));
        Assert.False(Directory.Exists(old));
    }
}
