using TerraFlow.Core.Commands;

namespace TerraFlow.Core.Tests.Commands;

public class CommentCommandParserTests
{
    [Theory]
    [InlineData("terraflow plan", null)]
    [InlineData("  TerraFlow plan -p network\nthanks!", "network")]
    [InlineData("terraflow plan --project app", "app")]
    public void Plan_commands_parse(string body, string? project) =>
        Assert.Equal(new PlanCommand(project), CommentCommandParser.Parse(body));

    [Theory]
    [InlineData("terraflow")]
    [InlineData("terraflow help")]
    public void Help_parses(string body) => Assert.IsType<HelpCommand>(CommentCommandParser.Parse(body));

    [Theory]
    [InlineData("LGTM")]
    [InlineData("please run terraflow plan")]
    [InlineData("<!-- terraflow:run:1:part:0 -->\n### TerraFlow plan")]
    [InlineData("")]
    public void Other_comments_are_not_commands(string body) => Assert.Null(CommentCommandParser.Parse(body));

    [Theory]
    [InlineData("terraflow destroy-everything", "Unknown command")]
    [InlineData("terraflow plan -p", "needs a project name")]
    [InlineData("terraflow plan --force", "Unknown option")]
    [InlineData("terraflow plan -p a -p b", "only once")]
    public void Malformed_commands_say_what_is_wrong(string body, string message)
    {
        var invalid = Assert.IsType<InvalidCommand>(CommentCommandParser.Parse(body));
        Assert.Contains(message, invalid.Message);
    }

    [Fact]
    public void Echoed_input_cannot_break_out_of_inline_code()
    {
        var invalid = Assert.IsType<InvalidCommand>(CommentCommandParser.Parse("terraflow `x`<img>"));
        Assert.DoesNotContain("``", invalid.Message.Replace("`x<img>`", "", StringComparison.Ordinal));
    }
}
