using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 6: a comment carrying the hidden marker of the next run id (ids are sequential) was adopted and
/// edited by TerraFlow as if it were its own. Now only comments written by TerraFlow's own identity are adopted.
/// </summary>
public sealed class CommentTakeoverTests
{
    private const int Pr = 41;

    private static async Task<(TwoProjectRepo Repo, long FirstRun)> PlannedAsync(LifecycleBed bed)
    {
        var repo = new TwoProjectRepo();
        await bed.OpenAsync(Pr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        return (repo, await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}"));
    }

    [Fact]
    public async Task A_comment_forged_with_the_next_runs_marker_is_never_edited()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_takeover");
        var (repo, firstRun) = await PlannedAsync(bed);
        using var _ = repo;

        // mallory predicts the next run id and posts a comment that starts with its marker.
        const string forgedText = "Looks good! Approve here: https://evil.example/approve";
        var forged = bed.GitHub.AddComment(Owner, Repo, Pr, $"<!-- terraflow:run:{firstRun + 1}:part:0 -->\n{forgedText}", author: "mallory");

        repo.Git.Write("network/variables.tf", "variable \"cidr\" {}\n");
        var pushed = repo.Git.Commit("second push");
        await bed.OpenAsync(Pr, pushed, repo.BaseSha, repo.Git.CloneUrl, action: "synchronize");
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where id = {firstRun + 1} and head_sha = '{pushed}' and status = 'planned'"),
            n => n == 1, what: "the pushed commit planned as the predicted run");

        // TerraFlow posted its own comment for the new run, under its own identity, and left mallory's alone.
        var own = await Eventually.ValueAsync(
            () => bed.GitHub.Comments(Owner, Repo, Pr).FirstOrDefault(c => c.Id != forged.Id && c.Body.StartsWith($"<!-- terraflow:run:{firstRun + 1}:part:0 -->", StringComparison.Ordinal)),
            c => c is not null && c.Body.Contains(pushed[..7], StringComparison.Ordinal), what: "TerraFlow's own comment for the new run");
        Assert.Equal(bed.Fake.TokenUser, own!.Author);
        var after = bed.GitHub.Comments(Owner, Repo, Pr).Single(c => c.Id == forged.Id);
        Assert.Equal(forged.Body, after.Body);
        Assert.Equal(forged.UpdatedAt, after.UpdatedAt);
        Assert.DoesNotContain(bed.GitHub.Requests, r => r.Method == "PATCH" && r.Path.EndsWith($"/issues/comments/{forged.Id}", StringComparison.Ordinal));
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) from runs where {forged.Id} = any(comment_ids)"));
    }

    [Fact]
    public async Task TerraFlows_own_comment_is_still_adopted_after_a_lost_comment_id()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_adopt");
        var (repo, firstRun) = await PlannedAsync(bed);
        using var _ = repo;

        // What a crash between posting and saving the id leaves behind: TerraFlow's comment, unknown to the database.
        var own = bed.GitHub.AddComment(Owner, Repo, Pr, $"<!-- terraflow:run:{firstRun + 1}:part:0 -->\n(posted before a crash)", author: bed.Fake.TokenUser);

        repo.Git.Write("network/variables.tf", "variable \"cidr\" {}\n");
        var pushed = repo.Git.Commit("second push");
        await bed.OpenAsync(Pr, pushed, repo.BaseSha, repo.Git.CloneUrl, action: "synchronize");
        await Eventually.ValueAsync(() => bed.GitHub.Comments(Owner, Repo, Pr).Single(c => c.Id == own.Id).Body,
            b => b.Contains(pushed[..7], StringComparison.Ordinal), what: "the adopted comment edited in place");
        Assert.Equal(1, bed.GitHub.Comments(Owner, Repo, Pr).Count(c => c.Body.StartsWith($"<!-- terraflow:run:{firstRun + 1}:part:0 -->", StringComparison.Ordinal)));
    }
}
