using Microsoft.Extensions.Logging;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Access;

/// <summary>
/// <see cref="IRepositoryAccess"/> over the VCS hosts' own permission APIs (GitHub: the collaborator permission with
/// the App installation token or the configured token; GitLab: the member's access level, inherited ones included),
/// each answer reused for <see cref="ConsoleAccessSettings.CacheLifetime"/>. The rules:
/// <list type="bullet">
/// <item>admins operate everywhere;</item>
/// <item>a user of the repository's own host reads what the host lets them read, and operates where they may write
/// (GitHub write/maintain/admin, GitLab Developer or higher); users of another host are not asked about there;</item>
/// <item>anyone in <c>Viewers</c> reads every repository; Entra ID users (no VCS host to ask) read every repository
/// when in <c>Viewers</c> or <c>Operators</c>, and nothing otherwise;</item>
/// <item>operators operate wherever they can read;</item>
/// <item>an API token with the <c>read</c> scope never operates.</item>
/// </list>
/// A host that cannot be asked (down, misconfigured) means no access, and is not cached: it fails closed.
/// </summary>
public sealed class VcsRepositoryAccess(
    IVcsClients hosts,
    IRepositoryInstallations installations,
    ConsoleAccessSettings settings,
    TimeProvider time,
    ILogger<VcsRepositoryAccess> logger) : IRepositoryAccess
{
    public const string EntraProvider = "entra";

    private readonly TtlCache<(string Provider, string Owner, string Name, string Login), RepoPermission> _cache =
        new(settings.CacheLifetime, settings.CacheCapacity, time);

    public async Task<RepositoryAccessLevel> AccessAsync(ConsoleUser user, RepositoryKey repository, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(repository);
        var level = await LevelAsync(user, repository, ct);
        return level == RepositoryAccessLevel.Operate && string.Equals(user.TokenScope, "read", StringComparison.OrdinalIgnoreCase)
            ? RepositoryAccessLevel.Read
            : level;
    }

    private async Task<RepositoryAccessLevel> LevelAsync(ConsoleUser user, RepositoryKey repository, CancellationToken ct)
    {
        // A browser session's role always comes from the lists as they are now (a user removed from Admins loses it
        // at once); an API token keeps the role it was issued with.
        var role = user.TokenScope is null ? settings.RoleOf(user) : user.Role;
        if (role == ConsoleRole.Admin) return RepositoryAccessLevel.Operate;

        var host = string.Equals(user.IdentityProvider, repository.Provider, StringComparison.OrdinalIgnoreCase)
            ? await HostPermissionAsync(repository, user.Login, ct)
            : RepoPermission.None;
        var entraListed = string.Equals(user.IdentityProvider, EntraProvider, StringComparison.OrdinalIgnoreCase) && role == ConsoleRole.Operator;
        var canRead = host >= RepoPermission.Read || settings.Viewers.Contains(user) || entraListed;
        if (!canRead) return RepositoryAccessLevel.None;
        return host >= RepoPermission.Write || role == ConsoleRole.Operator ? RepositoryAccessLevel.Operate : RepositoryAccessLevel.Read;
    }

    private async Task<RepoPermission> HostPermissionAsync(RepositoryKey repository, string login, CancellationToken ct)
    {
        var key = (repository.Provider.ToLowerInvariant(), repository.Owner.ToLowerInvariant(), repository.Name.ToLowerInvariant(), login.ToLowerInvariant());
        if (_cache.TryGet(key, out var cached)) return cached;
        try
        {
            var installation = await installations.FindInstallationAsync(repository.Provider, repository.Owner, repository.Name, ct);
            var permission = await hosts.For(repository.Provider).GetPermissionAsync(new RepoRef(repository.Owner, repository.Name, installation), login, ct);
            _cache.Set(key, permission);
            return permission;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not ask {Provider} about {Login}'s permission on {Owner}/{Name}; no access for now",
                repository.Provider, login, repository.Owner, repository.Name);
            return RepoPermission.None;
        }
    }
}
