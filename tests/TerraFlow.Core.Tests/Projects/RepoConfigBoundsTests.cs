using System.Diagnostics;
using System.Text;
using TerraFlow.Core.Projects;
using Xunit.Abstractions;

namespace TerraFlow.Core.Tests.Projects;

/// <summary>
/// Issue 10: a hostile <c>.terraflow.yml</c> is refused quickly with a message naming the problem, never parsed for
/// minutes. Each case is timed after a warm-up parse, against a limit well under a second.
/// </summary>
[Collection(TimedTests.Name)]
public class RepoConfigBoundsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(500);

    private ConfigError TimedError(string yaml)
    {
        RepoConfigParser.Parse(".terraflow.yml", "version: 1\n"); // warm up (JIT)
        var clock = Stopwatch.StartNew();
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        clock.Stop();
        output.WriteLine($"{Encoding.UTF8.GetByteCount(yaml):N0} bytes refused in {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(clock.Elapsed < Limit, $"took {clock.ElapsedMilliseconds} ms");
        Assert.False(result.IsSuccess, "expected a configuration error");
        return result.Error;
    }

    private static ConfigError Error(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.False(result.IsSuccess, "expected a configuration error");
        return result.Error;
    }

    /// <summary>Ten levels, each a list of <paramref name="fanOut"/> aliases of the level before: fanOut^10 nodes once expanded.</summary>
    private static string AliasLevels(int fanOut)
    {
        var yaml = new StringBuilder($"a0: &a0 [{string.Join(", ", Enumerable.Repeat("x", fanOut))}]\n");
        for (var i = 1; i <= 9; i++)
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", fanOut))}]\n");
        return yaml.ToString();
    }

    [Fact]
    public void The_reported_alias_bomb_in_a_mapping_key_is_refused_at_once()
    {
        // The reported attack: '? *a9' as a key (about 550 bytes), which YamlDotNet hashed recursively (still
        // parsing after 60 s). Counting aliases as copies stops it while the anchors are still being defined.
        var yaml = "version: 1\n" + AliasLevels(9) + "? *a9\n: boom\n";
        Assert.InRange(Encoding.UTF8.GetByteCount(yaml), 500, 600);

        var error = TimedError(yaml);

        Assert.Equal(".terraflow.yml", error.File);
        Assert.Equal(6, error.Line);
        Assert.Equal("the YAML has more than 50,000 nodes once alias '*a3' is expanded (aliases count as copies)", error.Message);
    }

    [Fact]
    public void An_alias_of_a_list_or_mapping_as_a_key_is_refused_even_when_small()
    {
        var error = TimedError("version: 1\n" + AliasLevels(2) + "? *a9\n: boom\n");
        Assert.Equal(12, error.Line);
        Assert.Equal("keys must be plain names, found the alias '*a9' of a mapping or list as a key", error.Message);
    }

    [Fact]
    public void Nested_complex_keys_are_refused()
    {
        var error = TimedError("version: 1\n? [a, b]\n: x\n");
        Assert.Equal(2, error.Line);
        Assert.Equal("keys must be plain names, found a list as a key", error.Message);

        var mapping = TimedError("version: 1\nprojects:\n  - ? {dir: a}\n    : x\n");
        Assert.Equal("keys must be plain names, found a mapping as a key", mapping.Message);
    }

    [Fact]
    public void An_alias_bomb_in_values_is_refused_by_the_node_count()
    {
        var yaml = "version: 1\nbig: &big [" + string.Join(", ", Enumerable.Repeat("x", 1000)) + "]\nprojects: ["
            + string.Join(", ", Enumerable.Repeat("*big", 300)) + "]\n";
        var error = TimedError(yaml);
        Assert.Equal(3, error.Line);
        Assert.Equal("the YAML has more than 50,000 nodes once alias '*big' is expanded (aliases count as copies)", error.Message);
    }

    [Fact]
    public void An_alias_inside_its_own_anchor_is_refused()
    {
        var error = TimedError("version: 1\nprojects: &p [*p]\n");
        Assert.Equal("alias '*p' refers to a node that contains it", error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_exhausting_the_stack()
    {
        var flow = TimedError("version: 1\nprojects: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        Assert.Equal(2, flow.Line);
        Assert.Equal("the YAML is nested deeper than 64 levels", flow.Message);

        var block = new StringBuilder("version: 1\nprojects:\n");
        for (var i = 1; i <= 70; i++) block.Append(new string(' ', i * 2)).Append($"k{i}:\n");
        Assert.Equal("the YAML is nested deeper than 64 levels", TimedError(block.ToString()).Message);
    }

    [Fact]
    public void Depth_through_an_alias_counts()
    {
        var yaml = new StringBuilder("version: 1\ndeep: &d ");
        yaml.Append(new string('[', 40)).Append(new string(']', 40)).Append("\nprojects: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*d]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
        var error = TimedError(yaml.ToString());
        Assert.Equal("the YAML is nested deeper than 64 levels (through alias '*d')", error.Message);
    }

    [Fact]
    public void Too_many_nodes_are_refused()
    {
        // Not asserted on time: reaching the limit means parsing 50,000 nodes, which is what the limit is for.
        var clock = Stopwatch.StartNew();
        var error = Error("version: 1\nprojects: [" + string.Join(',', Enumerable.Repeat("a", 60_000)) + "]\n");
        output.WriteLine($"60,000-item list refused in {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal("the YAML has more than 50,000 nodes", error.Message);
    }

    [Fact]
    public void An_oversized_file_is_refused_before_parsing()
    {
        var error = TimedError("version: 1\n#" + new string('x', YamlLimits.MaxBytes) + "\n");
        Assert.Equal(1, error.Line);
        Assert.Equal($"the file is {YamlLimits.MaxBytes + 13:N0} bytes; at most {YamlLimits.MaxBytes:N0} are read", error.Message);
    }

    [Fact]
    public void Ordinary_anchors_and_aliases_still_work()
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", """
            version: 1
            projects:
              - dir: a
                when_modified: &common ["*.tf", "../modules/**/*.tf"]
              - dir: b
                when_modified: *common
            """);
        Assert.True(result.IsSuccess, result.IsSuccess ? "" : result.Error.Message);
        Assert.Equal(result.Config!.Projects[0].WhenModified, result.Config.Projects[1].WhenModified);
        Assert.Equal(["*.tf", "../modules/**/*.tf"], result.Config.Projects[1].WhenModified);
    }
}
