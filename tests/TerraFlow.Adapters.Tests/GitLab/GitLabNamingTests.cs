using TerraFlow.Adapters.GitLab;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabNamingTests
{
    [Fact]
    public void Note_ids_round_trip_and_refuse_what_does_not_fit()
    {
        var id = GitLabNoteIds.Compose(180_000, 2_600_000_000);
        Assert.Equal((180_000L, 2_600_000_000L), GitLabNoteIds.Split(id));
        Assert.True(id > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => GitLabNoteIds.Compose(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => GitLabNoteIds.Compose(1, GitLabNoteIds.MaxNoteId + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GitLabNoteIds.Compose(GitLabNoteIds.MaxIid + 1, 1));
        Assert.Throws<ArgumentException>(() => GitLabNoteIds.Split(12345)); // a bare note id: no merge request in it
    }

    [Fact]
    public void Project_paths_split_at_the_last_slash_and_encode_as_one_segment()
    {
        var repo = GitLabPaths.RepoFromPath("group/sub/infra");
        Assert.Equal(new RepoRef("group/sub", "infra"), repo);
        Assert.Equal("group%2Fsub%2Finfra", GitLabPaths.ProjectId(repo));
        Assert.Equal("group%2Fsub", GitLabPaths.GroupId("@group/sub"));
        Assert.Throws<ArgumentException>(() => GitLabPaths.RepoFromPath("infra"));
    }

    [Theory]
    [InlineData(50, RepoPermission.Admin)]
    [InlineData(40, RepoPermission.Maintain)]
    [InlineData(30, RepoPermission.Write)]
    [InlineData(20, RepoPermission.Read)]
    [InlineData(15, RepoPermission.Read)]
    [InlineData(10, RepoPermission.Read)]
    [InlineData(5, RepoPermission.None)]
    [InlineData(0, RepoPermission.None)]
    public void Access_levels_map_down_never_up(int level, RepoPermission expected) =>
        Assert.Equal(expected, GitLabPaths.FromAccessLevel(level));
}
