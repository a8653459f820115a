namespace TerraFlow.Application.Access;

/// <summary>
/// Who has which console role beyond what the VCS host says (<c>TerraFlow__Auth__Viewers</c>, <c>__Operators</c>,
/// <c>__Admins</c>), and how long a host's answer about a repository is reused.
/// </summary>
public sealed record ConsoleAccessSettings(
    ConsolePrincipalList Viewers,
    ConsolePrincipalList Operators,
    ConsolePrincipalList Admins,
    TimeSpan CacheLifetime,
    int CacheCapacity = 10_000)
{
    public static readonly ConsoleAccessSettings None = new(ConsolePrincipalList.Empty, ConsolePrincipalList.Empty, ConsolePrincipalList.Empty, TimeSpan.FromSeconds(60));

    /// <summary>The role the lists give <paramref name="user"/> (API tokens keep the role they were issued with).</summary>
    public ConsoleRole RoleOf(ConsoleUser user) =>
        Admins.Contains(user) ? ConsoleRole.Admin : Operators.Contains(user) ? ConsoleRole.Operator : ConsoleRole.Viewer;

    /// <summary>Named in any list (directly or through a group).</summary>
    public bool IsListed(ConsoleUser user) => Viewers.Contains(user) || Operators.Contains(user) || Admins.Contains(user);

    /// <summary>The groups of <paramref name="provider"/> that some list names: the only ones worth asking about or keeping in a session.</summary>
    public IReadOnlyList<string> GroupsNamedFor(string provider) =>
        Viewers.Entries.Concat(Operators.Entries).Concat(Admins.Entries)
            .Where(e => e.IsGroup && string.Equals(e.Provider, provider, StringComparison.OrdinalIgnoreCase))
            .Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
