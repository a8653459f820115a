using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Benchmarks.Load;

/// <summary>
/// The configuration every benchmark gives the real TerraFlow host: its own database (large pool, many concurrent
/// deliveries), the GitHub API stand-in, a webhook secret, a scratch artifact folder, no in-process runner (the
/// benchmark registers its instant one) and quiet logs. The load tool and workflow-compare share it so they measure
/// the same host.
/// </summary>
internal static class BenchmarkHostSettings
{
    public static Dictionary<string, string> For(string connectionString, FakeGitHubServer github, string webhookSecret, string name) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["ConnectionStrings:Postgres"] = connectionString + ";Maximum Pool Size=200",
        ["TerraFlow:GitHub:ApiUrl"] = github.ApiUrl,
        ["TerraFlow:GitHub:Token"] = github.Token,
        ["TerraFlow:GitHub:WebhookSecret"] = webhookSecret,
        // The real payload's clone URL is on github.com (instant steps never clone): make that the web host.
        ["TerraFlow:GitHub:WebUrl"] = "https://github.com",
        ["TerraFlow:ArtifactsPath"] = Path.Combine(Path.GetTempPath(), $"terraflow-{name}-artifacts"),
        ["TerraFlow:Runner:InProcess"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
