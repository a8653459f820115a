using System.Diagnostics;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>
/// A real git repository in a temp folder, used as a pull request's <c>clone_url</c>. Tests write files, commit on
/// branches, and read back SHAs, exactly as a developer pushing to GitHub would.
/// </summary>
public sealed class TestGitRepository : IDisposable
{
    private TestGitRepository(string path) => Path_ = path;

    public string Path_ { get; }

    public string CloneUrl => Path_;

    public static TestGitRepository Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "terraflow-repo-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        var repo = new TestGitRepository(path);
        repo.Git("init", "-q", "-b", "main");
        repo.Git("config", "user.email", "dev@example.com");
        repo.Git("config", "user.name", "Dev");
        repo.Git("config", "commit.gpgsign", "false");
        return repo;
    }

    public TestGitRepository Write(string relativePath, string content)
    {
        var full = Path.Combine(Path_, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public TestGitRepository Delete(string relativePath)
    {
        File.Delete(Path.Combine(Path_, relativePath));
        return this;
    }

    /// <summary>Commits everything and returns the new commit's SHA.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public void Checkout(string branch, bool create = false)
    {
        if (create) Git("checkout", "-q", "-b", branch);
        else Git("checkout", "-q", branch);
    }

    public string Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Path_, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(Path_, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
            Directory.Delete(Path_, true);
        }
        catch (IOException) { }
    }
}
