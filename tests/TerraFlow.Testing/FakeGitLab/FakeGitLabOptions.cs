namespace TerraFlow.Testing.FakeGitLab;

/// <summary>How a <see cref="FakeGitLabServer"/> behaves.</summary>
public sealed class FakeGitLabOptions
{
    /// <summary>The token the server accepts in PRIVATE-TOKEN (or as a Bearer token).</summary>
    public string Token { get; set; } = "glpat-fake-test-token-0123";

    /// <summary>Username the server attributes to requests made with <see cref="Token"/> (notes, statuses).</summary>
    public string TokenUser { get; set; } = "terraflow-bot";

    /// <summary>OAuth application id the fake accepts at /oauth/authorize and /oauth/token; null turns OAuth off.</summary>
    public string? OAuthClientId { get; set; } = "fake-gitlab-application-id-0123456789";

    /// <summary>OAuth application secret the fake accepts at /oauth/token.</summary>
    public string OAuthClientSecret { get; set; } = "gloas-fake-application-secret-0123456789";

    /// <summary>The application's registered redirect URI; when set, authorize's redirect_uri must equal it.</summary>
    public string? OAuthCallbackUrl { get; set; }

    /// <summary>Who is signed in to the fake's web UI; null makes authorize show the sign-in page instead of redirecting.</summary>
    public string? OAuthSignedInUser { get; set; } = "alice";

    /// <summary>Clock for created_at/updated_at and token expiry.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
