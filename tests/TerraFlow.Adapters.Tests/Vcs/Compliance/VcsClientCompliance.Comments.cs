using System.Text;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>
/// Comments: TerraFlow keeps one status comment per pull request and edits it in place, so the id returned on create
/// must be the id a later listing shows, and an update must change that comment and no other.
/// </summary>
public abstract partial class VcsClientCompliance
{
    [Fact]
    public async Task A_created_comment_is_listed_with_the_same_id_body_and_the_bot_as_author()
    {
        Fixture.AddPullRequest(20, HeadSha, BaseSha, "dana");

        var id = await Client.CreateCommentAsync(Repo, 20, "terraflow: plan queued", Ct);
        var comments = await Client.ListCommentsAsync(Repo, 20, Ct);

        var only = Assert.Single(comments);
        Assert.Equal(id, only.Id);
        Assert.Equal("terraflow: plan queued", only.Body);
        Assert.Equal(Fixture.BotUser, only.Author);
    }

    [Fact]
    public async Task The_own_login_is_the_author_of_the_comments_the_client_creates()
    {
        Fixture.AddPullRequest(24, HeadSha, BaseSha, "dana");
        Fixture.SeedComment(24, "<!-- terraflow:run:1:part:0 -->\nforged", "dana");
        await Client.CreateCommentAsync(Repo, 24, "<!-- terraflow:run:1:part:0 -->\nreal", Ct);

        var self = await Client.GetOwnLoginAsync(Repo, Ct);

        Assert.Equal(Fixture.BotUser, self);
        var comments = await Client.ListCommentsAsync(Repo, 24, Ct);
        Assert.Equal(["dana", self], comments.Select(c => c.Author));
    }

    [Fact]
    public async Task Updating_a_comment_changes_it_in_place()
    {
        Fixture.AddPullRequest(21, HeadSha, BaseSha, "dana");
        var id = await Client.CreateCommentAsync(Repo, 21, "Plan running…", Ct);

        await Client.UpdateCommentAsync(Repo, id, "Plan finished: 2 to add", Ct);
        var comments = await Client.ListCommentsAsync(Repo, 21, Ct);

        var only = Assert.Single(comments);
        Assert.Equal(id, only.Id);
        Assert.Equal("Plan finished: 2 to add", only.Body);
    }

    [Fact]
    public async Task Updating_one_comment_leaves_the_others_alone()
    {
        Fixture.AddPullRequest(22, HeadSha, BaseSha, "dana");
        Fixture.SeedComment(22, "terraflow plan", "dana");
        var first = await Client.CreateCommentAsync(Repo, 22, "first", Ct);
        var second = await Client.CreateCommentAsync(Repo, 22, "second", Ct);

        await Client.UpdateCommentAsync(Repo, first, "first, edited", Ct);
        var comments = await Client.ListCommentsAsync(Repo, 22, Ct);

        Assert.NotEqual(first, second);
        Assert.Equal(["terraflow plan", "first, edited", "second"], comments.Select(c => c.Body));
        Assert.Equal([first, second], comments.Skip(1).Select(c => c.Id));
        Assert.Equal("dana", comments[0].Author);
    }

    [Fact]
    public async Task A_60000_character_body_round_trips_exactly()
    {
        Fixture.AddPullRequest(23, HeadSha, BaseSha, "dana");
        var body = LargeBody(60_000);

        var id = await Client.CreateCommentAsync(Repo, 23, body, Ct);
        Assert.Equal(body, Assert.Single(await Client.ListCommentsAsync(Repo, 23, Ct)).Body);

        var edited = "edited\n" + body[7..];
        await Client.UpdateCommentAsync(Repo, id, edited, Ct);
        Assert.Equal(edited, Assert.Single(await Client.ListCommentsAsync(Repo, 23, Ct)).Body);
    }

    [Fact]
    public async Task Markdown_unicode_and_hidden_markers_round_trip()
    {
        Fixture.AddPullRequest(24, HeadSha, BaseSha, "dana");
        const string body = "<!-- terraflow:run=42 -->\n### Plan for `app` ✅\n\n```diff\n+ resource \"a\" {}\n```\n<details><summary>Ünïcödé 日本語 & \"quotes\"</summary>\n</details>";

        await Client.CreateCommentAsync(Repo, 24, body, Ct);

        Assert.Equal(body, Assert.Single(await Client.ListCommentsAsync(Repo, 24, Ct)).Body);
    }

    [Fact]
    public async Task More_than_a_page_of_comments_is_listed_completely_in_creation_order()
    {
        Fixture.AddPullRequest(25, HeadSha, BaseSha, "dana");
        for (var i = 1; i <= 129; i++) Fixture.SeedComment(25, $"comment {i}", i % 2 == 0 ? "dana" : "erin");
        var last = await Client.CreateCommentAsync(Repo, 25, "comment 130", Ct);

        var comments = await Client.ListCommentsAsync(Repo, 25, Ct);

        Assert.Equal(Enumerable.Range(1, 130).Select(i => $"comment {i}"), comments.Select(c => c.Body));
        Assert.Equal(130, comments.Select(c => c.Id).Distinct().Count());
        Assert.Equal(last, comments[^1].Id);
        Assert.Equal("erin", comments[0].Author);
    }

    [Fact]
    public async Task Comments_of_another_pull_request_are_not_listed()
    {
        Fixture.AddPullRequest(26, HeadSha, BaseSha, "dana");
        Fixture.AddPullRequest(27, HeadSha, BaseSha, "dana");
        await Client.CreateCommentAsync(Repo, 26, "on 26", Ct);

        Assert.Empty(await Client.ListCommentsAsync(Repo, 27, Ct));
    }

    private static string LargeBody(int length)
    {
        // Lines of varied text, like a long plan output, so a truncation or reordering would show.
        var builder = new StringBuilder(length);
        for (var line = 0; builder.Length < length; line++)
            builder.Append("  # aws_instance.web[").Append(line).Append("] will be updated in-place ~ tags\n");
        return builder.ToString(0, length);
    }
}
