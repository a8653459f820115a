using System.Diagnostics;
using System.Text;
using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.Projects;
using Xunit.Abstractions;

namespace TerraFlow.Core.Tests.CodeOwners;

/// <summary>
/// Issue 10: CODEOWNERS is untrusted repository content. Its rules are bounded, compiled once, matched without
/// backtracking, and a file beyond the bounds is refused with a reason instead of an exception.
/// </summary>
[Collection(TimedTests.Name)]
public class CodeOwnersBoundsTests(ITestOutputHelper output)
{
    [Fact]
    public void A_catastrophic_pattern_matches_in_linear_time_without_throwing()
    {
        // Nested '**' plus many stars in one segment: the regular expressions used before backtracked on this
        // until their one-second timeout threw, which crashed the discover job.
        var pattern = string.Join('/', Enumerable.Repeat("**", 30)) + "/" + string.Concat(Enumerable.Repeat("*a", 50)) + "*b";
        var file = CodeOwnersFile.Parse($"/{pattern} @evil\n");
        Assert.Null(file.LimitError);
        var path = string.Join('/', Enumerable.Repeat(new string('a', 200), 60));
        Assert.Equal(["@evil"], file.OwnersOf(path[..^1] + "b")); // warm up, and it does match what it should

        var clock = Stopwatch.StartNew();
        var owners = file.OwnersOf(path);
        clock.Stop();

        output.WriteLine($"catastrophic pattern against a path 60 deep: {clock.Elapsed.TotalMilliseconds:F3} ms");
        Assert.Empty(owners);
        Assert.True(clock.ElapsedMilliseconds < 100, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_large_file_is_compiled_once_and_matched_quickly()
    {
        // 50,000 rules, 2.9 MB: most anchored at a directory, as in a monorepo, one in five matching at any depth
        // (the kind every path must be tested against).
        var text = new StringBuilder();
        for (var i = 0; i < 50_000; i++)
        {
            text.Append(i % 5 == 4
                ? $"**/generated-{i:D5}-*.tf.json  @org/generators-{i % 97:D2} @gen-{i:D5}\n"
                : $"/services/svc-{i:D5}/modules/ @org/team-{i % 500:D3} @owner-{i:D5}\n");
        }
        var bytes = Encoding.UTF8.GetByteCount(text.ToString());
        Assert.InRange(bytes, 2_800_000, CodeOwnersFile.MaxBytes);
        var changed = Enumerable.Range(0, 100).Select(i => $"services/svc-{i * 500:D5}/modules/net/main.tf").ToList();
        var project = new ProjectDefinition("services", "services", "default", ProjectDefaults.WhenModified, [], true);

        var parse = Stopwatch.StartNew();
        var file = CodeOwnersFile.Parse(text.ToString());
        parse.Stop();
        var match = Stopwatch.StartNew();
        var owners = ProjectCodeOwners.Compute(file, [project], ModuleGraph.Empty, changed);
        match.Stop();
        output.WriteLine($"{bytes:N0} bytes, {file.Rules.Count:N0} rules: parse {parse.ElapsedMilliseconds} ms, 100 changed files {match.ElapsedMilliseconds} ms");

        Assert.Equal(50_000, file.Rules.Count);
        Assert.Equal(101, owners["services"].Count); // an owner per changed file, and one team (every 500th file)
        Assert.Contains("@owner-49500", owners["services"]);
        // Was 2.4 s with a regular expression per rule tried against every file; generous for a loaded CI machine.
        Assert.True(match.ElapsedMilliseconds < 1000, $"matching took {match.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void More_rules_than_the_limit_refuse_the_file_with_the_line()
    {
        var text = string.Concat(Enumerable.Range(0, CodeOwnersFile.MaxRules + 1).Select(i => $"/d{i}/ @a\n"));
        var file = CodeOwnersFile.Parse(text);

        Assert.Empty(file.Rules);
        Assert.Equal(CodeOwnersFile.MaxRules + 1, file.LimitError!.Line);
        Assert.Equal("CODEOWNERS has more than 50,000 rules", file.LimitError.Message);
    }

    [Fact]
    public void An_overlong_pattern_refuses_the_file_with_the_line()
    {
        var file = CodeOwnersFile.Parse("* @a\n/" + new string('x', 2000) + " @b\n");

        Assert.Empty(file.Rules);
        Assert.Equal(2, file.LimitError!.Line);
        Assert.Equal("the pattern is 2,001 characters long; at most 1,024 are allowed", file.LimitError.Message);
    }

    [Fact]
    public void Anchored_and_anywhere_rules_keep_file_order()
    {
        var file = CodeOwnersFile.Parse("/infra/ @a\n*.tf @b\n/infra/x.tf @c\n**/y.tf @d\n/other/ @e\n");

        Assert.Equal(["@c"], file.OwnersOf("infra/x.tf"));
        Assert.Equal(["@d"], file.OwnersOf("infra/y.tf"));
        Assert.Equal(["@b"], file.OwnersOf("infra/z.tf"));
        Assert.Equal(["@a"], file.OwnersOf("infra/readme.md"));
        Assert.Equal(["@e"], file.OwnersOf("other/y.tf"));
        Assert.Empty(file.OwnersOf("elsewhere/readme.md"));
    }

    [Fact]
    public void Owners_stop_when_cancelled()
    {
        var file = CodeOwnersFile.Parse("* @a\n");
        var project = new ProjectDefinition("p", "p", "default", ProjectDefaults.WhenModified, [], true);
        Assert.Throws<OperationCanceledException>(() =>
            ProjectCodeOwners.Compute(file, [project], ModuleGraph.Empty, ["p/main.tf"], new CancellationToken(canceled: true)));
    }
}
