namespace TerraFlow.Functions.Console;

/// <summary>
/// A way to sign in to the console, listed on the sign-in page. The VCS hosts' OAuth sign-ins are listed by
/// themselves; other identity providers (Entra ID) register one of these as a singleton.
/// </summary>
public interface IConsoleSignInProvider
{
    /// <summary>Lower-case identity provider name, as in <see cref="TerraFlow.Application.Access.ConsoleUser.IdentityProvider"/>.</summary>
    string Name { get; }

    /// <summary>For people: "Microsoft Entra ID".</summary>
    string DisplayName { get; }

    /// <summary>Unconfigured providers are not listed.</summary>
    bool IsConfigured { get; }

    /// <summary>The local path that starts this sign-in and comes back to <paramref name="returnPath"/> (already sanitized).</summary>
    string StartPath(string returnPath);
}
