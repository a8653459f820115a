namespace TerraFlow.Testing.FakeGitLabOAuth;

/// <summary>The OAuth application registered in the fake GitLab, and who the "browser" is signed in as.</summary>
public sealed class FakeGitLabOAuthOptions
{
    /// <summary>A relative URL root (<c>/gitlab</c>) for a self-managed instance under a path; empty for gitlab.com.</summary>
    public string PathPrefix { get; init; } = "";

    /// <summary>The application's id (GitLab shows 64 hex characters).</summary>
    public string ClientId { get; init; } = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    public string ClientSecret { get; init; } = "gloas-fake-secret-0123456789abcdef";

    /// <summary>The application's only registered redirect URI; set it once TerraFlow's port is known.</summary>
    public string? RedirectUri { get; set; }

    /// <summary>Scopes the application was created with.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["read_user"];

    /// <summary>The browser's GitLab user (username); null = nobody signed in (GitLab then shows its sign-in page).</summary>
    public string? SignedInUser { get; set; } = "gitlab-alice";

    /// <summary>When true the user clicks "Deny" on the authorization page.</summary>
    public bool UserDenies { get; set; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
