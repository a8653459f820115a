namespace TerraFlow.Application.Access;

/// <summary>What a console user may do everywhere, before repository permissions are looked at.</summary>
public enum ConsoleRole
{
    /// <summary>Signed in: reads what the VCS host lets them read.</summary>
    Viewer = 0,

    /// <summary>Named in <c>TerraFlow__Auth__Operators</c>: may operate (unlock, re-plan, drift check, cancel) in repositories they can read.</summary>
    Operator = 1,

    /// <summary>Named in <c>TerraFlow__Auth__Admins</c>: everything, including API tokens.</summary>
    Admin = 2,
}

/// <summary>
/// A signed-in person (or an API token acting for the admin who created it). Identity is per identity provider:
/// GitHub's "alice" is not GitLab's "alice", and an Entra user is known by tenant-scoped object id.
/// </summary>
/// <param name="IdentityProvider"><c>github</c>, <c>gitlab</c>, <c>azuredevops</c> or <c>entra</c>.</param>
/// <param name="Login">The user's login on that provider (Entra: the object id).</param>
/// <param name="DisplayName">What pages show.</param>
/// <param name="Groups">Teams (<c>org/team</c>) or Entra group ids the user is in, as far as sign-in learned them.</param>
/// <param name="TokenScope">Null for a browser session; <c>read</c> or <c>operate</c> for an API token.</param>
public sealed record ConsoleUser(
    string IdentityProvider,
    string Login,
    string DisplayName,
    ConsoleRole Role,
    IReadOnlyList<string> Groups,
    string? TokenScope = null);
