using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests;

/// <summary>What a user sees when Terraform fails: a failed status, the error in the comment, secrets masked.</summary>
public sealed class RunnerFailureTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 11;
    // An operator credential for this repository: Terraform receives it (nothing else of the host's environment),
    // and the runner masks it wherever it is printed.
    private const string SecretVariable = "TERRAFLOW_FAILURE_TEST_TOKEN";
    private const string SecretValue = "tf-secret-value-1f2e3d";
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("fail");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_failing_plan_is_reported_with_its_error_and_no_secret_leaks()
    {
        using var repo = new TwoProjectRepo();
        repo.Git.Write("network/.standin/behavior.json",
            $"{{\"plan_exit\": 1, \"plan_stderr\": \"Error: Invalid provider configuration\", \"print_env\": [\"{SecretVariable}\"]}}");
        var head = repo.Git.Commit("break network");
        _github.AddPullRequest(Owner, Repo, Number, head, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string>
        {
            ["TerraFlow:Runner:Credentials:0:Repositories"] = $"{Owner}/{Repo}",
            [$"TerraFlow:Runner:Credentials:0:Environment:{SecretVariable}"] = SecretValue,
        });

        var ack = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request",
            GitHubWebhooks.PullRequest(new(Owner, Repo, Number, head, repo.BaseSha, repo.Git.CloneUrl)), TerraFlowTestHost.WebhookSecret);
        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);

        var statuses = await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == head && s.State != "pending").ToList(),
            s => s.Count >= 2, what: "both statuses");
        Assert.Equal("failure", statuses.Single(s => s.Context.EndsWith("network", StringComparison.Ordinal)).State);
        Assert.Equal("success", statuses.Single(s => s.Context.EndsWith("app", StringComparison.Ordinal)).State);

        var comment = await Eventually.ValueAsync(
            () => _github.Comments(Owner, Repo, Number),
            c => c.Count == 1 && c[0].Body.Contains("Invalid provider configuration", StringComparison.Ordinal), what: "failure in comment");
        Assert.DoesNotContain(SecretValue, comment[0].Body);

        var logs = Directory.EnumerateFiles(host.ArtifactsPath, "log.txt", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(logs);
        foreach (var log in logs) Assert.DoesNotContain(SecretValue, await File.ReadAllTextAsync(log));
        Assert.Contains(logs, l => File.ReadAllText(l).Contains("***", StringComparison.Ordinal));
    }
}
