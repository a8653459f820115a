using System.Diagnostics;
using TerraFlow.Core.Projects;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// The runner's only reader of pull request files: real folders and real symlinks, as a checkout has them.
/// </summary>
public sealed class CheckoutFilesTests : IDisposable
{
    private const string Secret = "-----BEGIN RSA PRIVATE KEY----- not-for-pull-requests";
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "terraflow-checkout-files-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _root;
    private readonly string _outside;

    public CheckoutFilesTests()
    {
        _root = Path.Combine(_scratch, "checkout");
        _outside = Path.Combine(_scratch, "outside");
        Directory.CreateDirectory(Path.Combine(_root, "infra", "modules"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "app.pem"), Secret);
        File.WriteAllText(Path.Combine(_outside, "main.tf"), "# outside");
        File.WriteAllText(Path.Combine(_root, "infra", "main.tf"), "module \"m\" { source = \"./modules\" }");
    }

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    private void Link(string relative, string target) => File.CreateSymbolicLink(Path.Combine(_root, relative), target);

    [Fact]
    public void Reads_a_file_and_follows_links_that_stay_inside()
    {
        Link("shared.tf", "infra/main.tf");
        Link("infra/modules/up.tf", "../main.tf");
        Link("absolute.tf", Path.Combine(_root, "infra", "main.tf")); // absolute, but still inside
        var files = new CheckoutFiles(_root);

        Assert.Contains("module", files.ReadText("infra/main.tf", 1024));
        Assert.Contains("module", files.ReadText("shared.tf", 1024));
        Assert.Contains("module", files.ReadText("infra/modules/up.tf", 1024));
        Assert.Contains("module", files.ReadText("absolute.tf", 1024));
    }

    [Theory]
    [InlineData(".terraflow.yml")]
    [InlineData("key.tf")]
    public void Refuses_a_symlink_that_leaves_the_checkout_without_reading_it(string name)
    {
        Link(name, Path.Combine(_outside, "app.pem"));
        var files = new CheckoutFiles(_root);

        var refused = Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText(name, 1024 * 1024));

        Assert.Equal(name, refused.Path);
        Assert.Contains("outside the repository", refused.Reason);
        Assert.DoesNotContain("PRIVATE KEY", refused.Message);
        Assert.Equal(0, files.TotalRead);
    }

    [Fact]
    public void Refuses_a_relative_symlink_climbing_out_and_a_file_below_a_linked_folder()
    {
        Link("up.tf", "../outside/app.pem");
        Link("infra/linked", _outside);
        var files = new CheckoutFiles(_root);

        Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("up.tf", 1024));
        Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("infra/linked/main.tf", 1024));
        Assert.Throws<RepositoryFileRefusedException>(() => files.DirectoryPath("infra/linked"));
        Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("../outside/app.pem", 1024));
    }

    [Fact]
    public void A_symlink_to_dev_zero_is_refused_at_once()
    {
        Link("zero.tf", "/dev/zero");
        var files = new CheckoutFiles(_root);
        var clock = Stopwatch.StartNew();

        var refused = Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("zero.tf", CheckoutLimits.MaxTerraformFileBytes));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Contains("outside the repository", refused.Reason);
        Assert.Equal(0, files.TotalRead);
    }

    [Fact]
    public void A_symlink_loop_is_refused()
    {
        Link("a.tf", "b.tf");
        Link("b.tf", "a.tf");

        var refused = Assert.Throws<RepositoryFileRefusedException>(() => new CheckoutFiles(_root).ReadText("a.tf", 1024));

        Assert.Contains("loop", refused.Reason);
    }

    [Fact]
    public void Files_over_the_limit_and_reads_over_the_job_budget_are_refused()
    {
        File.WriteAllText(Path.Combine(_root, "exact.tf"), new string('x', 1000));
        File.WriteAllText(Path.Combine(_root, "over.tf"), new string('x', 1001));
        var files = new CheckoutFiles(_root, maxTotalBytes: 3500);

        Assert.Equal(1000, files.ReadText("exact.tf", 1000).Length);
        var big = Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("over.tf", 1000));
        Assert.Contains("larger than 1000 bytes", big.Reason);

        // Bytes read count even when the file was refused: 1000 + 1000 + 1000, then 500 left for a 1000-byte file.
        Assert.Equal(1000, files.ReadText("exact.tf", 1000).Length);
        var budget = Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("exact.tf", 1000));
        Assert.Contains("3500 bytes in total", budget.Reason);
    }

    [Fact]
    public void Directories_resolve_inside_only_and_missing_ones_are_null()
    {
        var files = new CheckoutFiles(_root);

        Assert.Equal(Path.Combine(files.Root, "infra"), files.DirectoryPath("infra"));
        Assert.Null(files.DirectoryPath("no/such/dir"));
        Assert.Throws<RepositoryFileRefusedException>(() => files.DirectoryPath("infra/main.tf"));
        Assert.Throws<RepositoryFileRefusedException>(() => files.ReadText("infra", 1024));
    }
}
