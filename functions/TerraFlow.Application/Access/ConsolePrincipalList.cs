namespace TerraFlow.Application.Access;

/// <summary>
/// One entry of <c>TerraFlow__Auth__Viewers</c>, <c>__Operators</c> or <c>__Admins</c>:
/// <c>&lt;provider&gt;:&lt;login&gt;</c> (a user, e.g. <c>github:alice</c>, <c>gitlab:bob</c>, <c>entra:&lt;object-id&gt;</c>) or
/// <c>&lt;provider&gt;:team:&lt;org/team&gt;</c> / <c>&lt;provider&gt;:group:&lt;id or path&gt;</c> (a GitHub team, a GitLab group, an
/// Entra group object id; "team" and "group" mean the same). Logins never contain ':', so the forms cannot be confused.
/// </summary>
public sealed record ConsolePrincipal(string Provider, string Name, bool IsGroup)
{
    public bool Matches(ConsoleUser user) =>
        string.Equals(user.IdentityProvider, Provider, StringComparison.OrdinalIgnoreCase) &&
        (IsGroup
            ? user.Groups.Any(g => string.Equals(g, Name, StringComparison.OrdinalIgnoreCase))
            : string.Equals(user.Login, Name, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => IsGroup ? $"{Provider}:group:{Name}" : $"{Provider}:{Name}";
}

/// <summary>A parsed comma- (or semicolon-, newline-) separated list of <see cref="ConsolePrincipal"/>s.</summary>
public sealed class ConsolePrincipalList
{
    public static readonly ConsolePrincipalList Empty = new([]);

    private ConsolePrincipalList(IReadOnlyList<ConsolePrincipal> entries) => Entries = entries;

    public IReadOnlyList<ConsolePrincipal> Entries { get; }

    public bool Contains(ConsoleUser user) => Entries.Any(e => e.Matches(user));

    /// <summary>Parses <paramref name="text"/>; a malformed entry is an error naming it and <paramref name="setting"/>, never ignored.</summary>
    /// <exception cref="FormatException">An entry is not one of the documented forms.</exception>
    public static ConsolePrincipalList Parse(string? text, string setting)
    {
        if (string.IsNullOrWhiteSpace(text)) return Empty;
        var entries = new List<ConsolePrincipal>();
        foreach (var raw in text.Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = raw.Split(':');
            ConsolePrincipal? entry = parts switch
            {
                [var p, var login] when Valid(p) && ValidName(login) && !login.Contains('/') => new ConsolePrincipal(p.ToLowerInvariant(), login, false),
                [var p, var kind, var group] when Valid(p) && kind.ToLowerInvariant() is "team" or "group" && ValidName(group) => new ConsolePrincipal(p.ToLowerInvariant(), group.TrimStart('@'), true),
                _ => null,
            };
            entries.Add(entry ?? throw new FormatException(
                $"{setting}: '{raw}' is not '<provider>:<login>', '<provider>:team:<org/team>' or '<provider>:group:<id>' (e.g. github:alice, github:team:org/platform, gitlab:bob, entra:group:<object-id>)."));
        }
        return new ConsolePrincipalList(entries);
    }

    private static bool Valid(string provider) => provider.Length is > 0 and <= 32 && provider.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool ValidName(string name) => name.Length is > 0 and <= 255 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
