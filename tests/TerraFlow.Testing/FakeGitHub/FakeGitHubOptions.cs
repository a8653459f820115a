using System.Security.Cryptography;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>How a <see cref="FakeGitHubServer"/> behaves. Defaults suit token-auth tests against github.com.</summary>
public sealed class FakeGitHubOptions
{
    /// <summary>The static token the server accepts (like a personal access token).</summary>
    public string Token { get; set; } = "ghp_fake_test_token";

    /// <summary>Login the server attributes to requests made with <see cref="Token"/>.</summary>
    public string TokenUser { get; set; } = "terraflow-user";

    /// <summary>App slug: comments made with an installation token are authored by "{slug}[bot]", as on GitHub.</summary>
    public string AppSlug { get; set; } = "terraflow";

    /// <summary>When set, the App JWT's "iss" must equal this id.</summary>
    public long? AppId { get; set; }

    /// <summary>When set, App JWT signatures are verified with this public key; otherwise only their shape is checked.</summary>
    public RSA? AppPublicKey { get; set; }

    /// <summary>Serve the API under a path, e.g. "/api/v3" to imitate GitHub Enterprise Server.</summary>
    public string PathPrefix { get; set; } = "";

    /// <summary>How long issued installation tokens live (GitHub: one hour).</summary>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>OAuth (GitHub App user authorization) client id the fake accepts; see FakeGitHubOAuthEndpoints.</summary>
    public string? OAuthClientId { get; set; } = "Iv23liFakeTerraFlow01";

    /// <summary>OAuth client secret the fake accepts at /login/oauth/access_token.</summary>
    public string OAuthClientSecret { get; set; } = "fake-oauth-client-secret-0123456789abcdef";

    /// <summary>The App's registered callback URL; when set, authorize's redirect_uri must equal it.</summary>
    public string? OAuthCallbackUrl { get; set; }

    /// <summary>Who is signed in to the fake's web UI; null makes authorize show the sign-in page instead of redirecting.</summary>
    public string? OAuthSignedInUser { get; set; } = "octocat";

    /// <summary>
    /// Awaited before each request is answered, with its method and path: lets a test look at the caller's side while
    /// the caller waits for the VCS host (null: answer at once).
    /// </summary>
    public Func<string, string, Task>? BeforeRequest { get; set; }

    /// <summary>
    /// When set, content-creating requests (POST, PATCH, PUT, DELETE) beyond this many within 60 s get GitHub's
    /// secondary-limit 403 with Retry-After: 60, as github.com answers past its documented 80 per minute.
    /// </summary>
    public int? ContentRequestsPerMinute { get; set; }

    /// <summary>Clock for created_at/expires_at and token expiry; share a fake one with the client under test.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
