using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>
/// Commit statuses: one per project (the context), moving from pending to a final state; the host must show each
/// post with the state, context, description and link TerraFlow sent, and never refuse one for being too long.
/// </summary>
public abstract partial class VcsClientCompliance
{
    private const string StatusSha = "3333333333333333333333333333333333333333";

    [Fact]
    public async Task A_status_moves_from_pending_to_success_with_context_description_and_link()
    {
        var context = "terraflow/plan: app";
        await Client.SetCommitStatusAsync(Repo, StatusSha,
            new CommitStatus(context, CommitState.Pending, "Plan running", "https://terraflow.example/runs/1"), Ct);
        await Client.SetCommitStatusAsync(Repo, StatusSha,
            new CommitStatus(context, CommitState.Success, "Plan: 2 to add, 0 to change", "https://terraflow.example/runs/1/app"), Ct);

        Assert.Equal(
            [
                new PostedStatus(context, "pending", "Plan running", "https://terraflow.example/runs/1"),
                new PostedStatus(context, "success", "Plan: 2 to add, 0 to change", "https://terraflow.example/runs/1/app"),
            ],
            Fixture.Statuses(StatusSha));
    }

    [Fact]
    public async Task Each_project_context_keeps_its_own_status()
    {
        await Client.SetCommitStatusAsync(Repo, StatusSha, new CommitStatus("terraflow/plan: app", CommitState.Pending, "Plan running", null), Ct);
        await Client.SetCommitStatusAsync(Repo, StatusSha, new CommitStatus("terraflow/plan: db", CommitState.Pending, "Plan running", null), Ct);
        await Client.SetCommitStatusAsync(Repo, StatusSha, new CommitStatus("terraflow/plan: db", CommitState.Success, "No changes", null), Ct);

        var posted = Fixture.Statuses(StatusSha);

        Assert.Equal(["pending"], posted.Where(s => s.Context == "terraflow/plan: app").Select(s => s.State));
        Assert.Equal(["pending", "success"], posted.Where(s => s.Context == "terraflow/plan: db").Select(s => s.State));
        Assert.All(posted, s => Assert.Null(s.TargetUrl));
    }

    [Fact]
    public async Task Sending_the_same_status_again_is_not_an_error()
    {
        // The outbox re-sends a status when it cannot tell whether the first send arrived; that must be harmless.
        var status = new CommitStatus("terraflow/plan: app", CommitState.Pending, "Plan running", null);
        await Client.SetCommitStatusAsync(Repo, StatusSha, status, Ct);
        await Client.SetCommitStatusAsync(Repo, StatusSha, status, Ct);

        var posted = Fixture.Statuses(StatusSha);
        Assert.NotEmpty(posted);
        Assert.All(posted, s => Assert.Equal(new PostedStatus("terraflow/plan: app", "pending", "Plan running", null), s));
    }

    [Fact]
    public async Task A_description_of_exactly_140_characters_is_kept_whole()
    {
        // 140 is the smallest limit among the hosts, so the workflow may rely on that much surviving unchanged.
        var description = new string('d', 139) + "!";
        await Client.SetCommitStatusAsync(Repo, StatusSha, new CommitStatus("ctx", CommitState.Success, description, null), Ct);

        Assert.Equal(description, Assert.Single(Fixture.Statuses(StatusSha)).Description);
    }

    [Fact]
    public async Task A_description_too_long_for_the_host_is_shortened_visibly_not_refused()
    {
        var description = "Plan failed: " + string.Join(" ", Enumerable.Range(1, 80).Select(i => $"error{i}"));
        Assert.True(description.Length > 300);

        await Client.SetCommitStatusAsync(Repo, StatusSha, new CommitStatus("ctx", CommitState.Failure, description, null), Ct);

        var posted = Assert.Single(Fixture.Statuses(StatusSha)).Description;
        Assert.NotNull(posted);
        Assert.True(posted.Length <= Fixture.MaxStatusDescriptionLength, $"{posted.Length} characters posted");
        Assert.True(posted.Length >= 140, "shortened more than any host requires");
        Assert.EndsWith("…", posted, StringComparison.Ordinal);
        Assert.StartsWith(posted[..^1], description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_description_is_sent_as_empty()
    {
        await Client.SetCommitStatusAsync(Repo, StatusSha, new CommitStatus("ctx", CommitState.Pending, "", null), Ct);

        Assert.True(string.IsNullOrEmpty(Assert.Single(Fixture.Statuses(StatusSha)).Description));
    }
}
