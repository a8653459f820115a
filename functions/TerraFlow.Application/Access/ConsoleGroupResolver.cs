using Microsoft.Extensions.Logging;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Access;

/// <summary>
/// At a VCS sign-in, which of the teams (GitHub <c>org/team</c>) or groups (GitLab path) named in the role lists the
/// user is an active member of, asked with TerraFlow's own credentials (the user's token is never kept). Only named
/// groups are asked about and kept, so the session cookie stays small; membership is fixed for the session's life.
/// </summary>
public sealed class ConsoleGroupResolver(IVcsClients hosts, IRepositoryInstallations installations, ConsoleAccessSettings settings, ILogger<ConsoleGroupResolver> logger)
{
    public async Task<IReadOnlyList<string>> GroupsOfAsync(string provider, string login, CancellationToken ct)
    {
        var groups = new List<string>();
        foreach (var group in settings.GroupsNamedFor(provider))
        {
            try
            {
                var owner = group.Split('/')[0];
                var installation = await installations.FindInstallationAsync(provider, owner, null, ct);
                if (await hosts.For(provider).IsTeamMemberAsync(new RepoRef(owner, "", installation), group, login, ct))
                    groups.Add(group);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Fails closed: the role that group would give is not granted for this session.
                logger.LogWarning(ex, "Could not ask {Provider} whether {Login} is in {Group}", provider, login, group);
            }
        }
        return groups;
    }
}
