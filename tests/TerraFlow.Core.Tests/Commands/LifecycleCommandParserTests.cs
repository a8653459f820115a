using System.Text.RegularExpressions;
using TerraFlow.Core.Commands;
using TerraFlow.Core.Comments;

namespace TerraFlow.Core.Tests.Commands;

/// <summary>apply, approve, unlock and approve-policies follow the same rules as plan.</summary>
public class LifecycleCommandParserTests
{
    public static TheoryData<string, CommentCommand> ValidCommands() => new()
    {
        { "terraflow apply", new ApplyCommand(null) },
        { "terraflow apply -p network", new ApplyCommand("network") },
        { "TerraFlow APPLY --project app\nplease", new ApplyCommand("app") },
        { "terraflow approve", new ApproveCommand(null) },
        { "  terraflow approve -p network  ", new ApproveCommand("network") },
        { "terraflow unlock", new UnlockCommand(null) },
        { "terraflow unlock --project db\r\nthanks", new UnlockCommand("db") },
        { "terraflow approve-policies", new ApprovePoliciesCommand(null) },
        { "terraflow approve-policies -p network", new ApprovePoliciesCommand("network") },
    };

    [Theory]
    [MemberData(nameof(ValidCommands))]
    public void Lifecycle_commands_parse(string body, CommentCommand expected) =>
        Assert.Equal(expected, CommentCommandParser.Parse(body));

    [Theory]
    [InlineData("terraflow apply -p", "needs a project name", "terraflow apply -p network")]
    [InlineData("terraflow approve --project", "needs a project name", "terraflow approve -p network")]
    [InlineData("terraflow unlock -p --force", "needs a project name", "terraflow unlock -p network")]
    [InlineData("terraflow approve-policies -p a -p b", "only once", null)]
    [InlineData("terraflow apply --auto-approve", "Unknown option `--auto-approve` for `terraflow apply`", null)]
    [InlineData("terraflow approve now", "Unknown option `now` for `terraflow approve`", null)]
    public void Malformed_lifecycle_commands_say_what_is_wrong(string body, string message, string? example)
    {
        var invalid = Assert.IsType<InvalidCommand>(CommentCommandParser.Parse(body));
        Assert.Contains(message, invalid.Message);
        if (example is not null) Assert.Contains(example, invalid.Message);
    }

    [Theory]
    [InlineData("terraflow approve_policies")]
    [InlineData("terraflow approvepolicies")]
    [InlineData("terraflow destroy")]
    [InlineData("terraflow lock")]
    public void Unknown_commands_are_invalid(string body)
    {
        var invalid = Assert.IsType<InvalidCommand>(CommentCommandParser.Parse(body));
        Assert.StartsWith("Unknown command", invalid.Message);
    }

    [Theory]
    [InlineData("I will run terraflow apply after lunch")]
    [InlineData("LGTM\nterraflow apply")]
    [InlineData("> terraflow approve")]
    public void Commands_count_only_at_the_start_of_the_first_line(string body) => Assert.Null(CommentCommandParser.Parse(body));

    [Fact]
    public void Project_names_keep_their_case()
    {
        Assert.Equal(new ApplyCommand("Network-Prod"), CommentCommandParser.Parse("terraflow apply -p Network-Prod"));
    }

    [Fact]
    public void Help_lists_every_command_and_every_example_in_it_parses()
    {
        var help = RunCommentRenderer.RenderHelp();
        var examples = Regex.Matches(help, "`(terraflow[^`]*)`").Select(m => m.Groups[1].Value.Replace("<project>", "network")).ToList();

        foreach (var example in examples)
            Assert.False(CommentCommandParser.Parse(example) is null or InvalidCommand, $"help shows '{example}', which does not parse");
        foreach (var command in new[] { "plan", "apply", "approve", "unlock", "approve-policies", "help" })
            Assert.Contains(examples, e => e == $"terraflow {command}");
        Assert.Contains("--project", help);
    }
}
