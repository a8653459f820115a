using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Projects;

/// <summary>One GitHub pull request against a test repository, through the real host: open it, wait for its plans.</summary>
public sealed class ProjectConfigBed : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "infra";
    public const int Number = 14;

    // Several plans per test on a shared two-core machine: allow more than Eventually's default minute.
    private static readonly TimeSpan PlanWait = TimeSpan.FromMinutes(3);

    private readonly HttpClient _http = new();

    private ProjectConfigBed(FakeGitHubServer github, TerraFlowTestHost host)
    {
        GitHub = github;
        Host = host;
    }

    public FakeGitHubServer GitHub { get; }

    public TerraFlowTestHost Host { get; }

    public static async Task<ProjectConfigBed> StartAsync(string databaseName, IDictionary<string, string>? settings = null)
    {
        var github = await FakeGitHubServer.StartAsync();
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync(databaseName);
        var host = await TerraFlowTestHost.StartAsync(db, github, settings: settings);
        return new ProjectConfigBed(github, host);
    }

    /// <summary>Opens the pull request base → head and waits for <paramref name="plans"/> final plan statuses on the head.</summary>
    public async Task<IReadOnlyList<FakeStatus>> OpenAndWaitForPlansAsync(TestGitRepository git, string baseSha, string headSha, int plans)
    {
        GitHub.AddPullRequest(Owner, Repo, Number, headSha, baseSha, headCloneUrl: git.CloneUrl);
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, headSha, baseSha, git.CloneUrl, "opened"));
        var response = await GitHubWebhooks.SendAsync(_http, Host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, "delivery-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)GitHub.Statuses.Where(s => s.Sha == headSha && s.State != "pending" && s.Context.StartsWith("terraflow/plan: ", StringComparison.Ordinal)).ToList(),
            s => s.Count >= plans, PlanWait, $"{plans} final plan statuses on {headSha}");
    }

    /// <summary>The pull request's comment once <paramref name="done"/> holds for it.</summary>
    public Task<string> CommentAsync(Func<string, bool> done, string what) =>
        Eventually.ValueAsync(
            () => GitHub.Comments(Owner, Repo, Number).Select(c => c.Body).FirstOrDefault() ?? "",
            done, PlanWait, what);

    /// <summary>A stored artifact of a project's plan (plan.txt, log.txt), read from the host's artifact folder.</summary>
    public string Artifact(string project, string fileName)
    {
        var files = Directory.GetFiles(Host.ArtifactsPath, fileName, SearchOption.AllDirectories)
            .Where(f => f.Replace('\\', '/').Contains($"/{project}/", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count == 1, $"expected one {fileName} for project {project}, found {files.Count}");
        return File.ReadAllText(files[0]);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await GitHub.DisposeAsync();
        _http.Dispose();
    }
}
