using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Ports;

/// <summary>Which pull request, on which VCS host.</summary>
public sealed record PullRequestAddress(string Provider, RepoRef Repo, int Number)
{
    public override string ToString() => $"{Repo}#{Number}";
}
