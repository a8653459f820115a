namespace TerraFlow.Adapters.Vcs;

/// <summary>How a sign-in ended: the host login, or why not (and whether the host itself was unreachable or refused TerraFlow).</summary>
public sealed record OAuthSignInResult(string? Login, string? Error, bool UpstreamFailure)
{
    public static OAuthSignInResult Success(string login) => new(login, null, false);
    public static OAuthSignInResult Refused(string error) => new(null, error, false);
    public static OAuthSignInResult Unavailable(string error) => new(null, error, true);
}

/// <summary>
/// Approver sign-in with one VCS host (the OAuth authorization-code web flow): where to send the browser, and turning
/// the callback's code into the login of whoever signed in. The user token is used for that one question and then
/// dropped: TerraFlow never acts as the user. One per provider; the approval page picks the run's provider's.
/// </summary>
public interface IOAuthSignIn
{
    /// <summary>The provider name (<see cref="VcsProviderNames"/>) whose logins this sign-in yields.</summary>
    string Provider { get; }

    /// <summary>For people: "GitHub", "GitLab".</summary>
    string DisplayName { get; }

    /// <summary>The setting that enables it, named in the page that says sign-in is not configured.</summary>
    string ClientIdSetting { get; }

    bool IsConfigured { get; }

    Uri AuthorizeUrl(string state, string redirectUri);

    Task<OAuthSignInResult> CompleteSignInAsync(string code, string redirectUri, CancellationToken ct);
}
