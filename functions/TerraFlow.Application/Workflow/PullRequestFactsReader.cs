using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// Reads from the run's VCS host what the decider needs to check apply requirements and eligibility: the pull
/// request (author, head, mergeability) and the acting person (permission, membership of the teams the run's rules
/// name). Called with no transaction open, right before the one that decides.
/// </summary>
public sealed class PullRequestFactsReader(IVcsClients clients)
{
    public async Task<PullRequestFacts> ReadPullRequestAsync(string provider, RepoRef repo, int number, CancellationToken ct)
    {
        var pr = await clients.For(provider).GetPullRequestAsync(repo, number, ct);
        // MergeableState "behind" = the head branch is out of date with the base branch (each adapter maps its host's term).
        var undiverged = !string.Equals(pr.MergeableState, "behind", StringComparison.OrdinalIgnoreCase);
        return new PullRequestFacts(pr.HeadSha, pr.Author, pr.Mergeable, undiverged);
    }

    public async Task<Actor> ReadActorAsync(string provider, RepoRef repo, string login, RunState state, CancellationToken ct)
    {
        var vcs = clients.For(provider);
        var permission = await vcs.GetPermissionAsync(repo, login, ct);
        var teams = new List<string>();
        foreach (var team in Eligibility.TeamsNamedBy(state))
            if (await vcs.IsTeamMemberAsync(repo, team, login, ct)) teams.Add(team);
        return new Actor(login, permission, teams);
    }
}
