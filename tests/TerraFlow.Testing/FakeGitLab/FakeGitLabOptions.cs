namespace TerraFlow.Testing.FakeGitLab;

/// <summary>How a <see cref="FakeGitLabServer"/> behaves.</summary>
public sealed class FakeGitLabOptions
{
    /// <summary>The token the server accepts in PRIVATE-TOKEN (or as a Bearer token).</summary>
    public string Token { get; set; } = "glpat-fake-test-token-0123";

    /// <summary>Username the server attributes to requests made with <see cref="Token"/> (notes, statuses).</summary>
    public string TokenUser { get; set; } = "terraflow-bot";

    /// <summary>Clock for created_at/updated_at.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
