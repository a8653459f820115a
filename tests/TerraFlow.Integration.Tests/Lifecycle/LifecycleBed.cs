using System.Net;
using Npgsql;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// Drives whole pull requests through TerraFlow the way GitHub would: webhooks in GitHub's payload shapes, the fake
/// GitHub API (with permissions, teams and OAuth sign-in), real PostgreSQL, real git and the Terraform stand-in.
/// Each project's stand-in appends every successful apply to <see cref="AppliesLog"/>, so tests count real applies.
/// </summary>
internal sealed class LifecycleBed : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "infra";
    private readonly HttpClient _http = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-lifecycle-" + Guid.NewGuid().ToString("N")[..10]);

    private LifecycleBed(FakeGitHubServer github, FakeGitHubOptions fake, string connectionString)
    {
        GitHub = github;
        Fake = fake;
        ConnectionString = connectionString;
        JobWritableFolder.Create(_work); // the stand-in, run as the job's uid, appends the applies logs here
    }

    public FakeGitHubServer GitHub { get; }

    public FakeGitHubOptions Fake { get; }

    public string ConnectionString { get; }

    public TerraFlowTestHost Host { get; private set; } = null!;

    public string PublicUrl { get; private set; } = "";

    public static async Task<LifecycleBed> StartAsync(string name, IDictionary<string, string>? settings = null)
    {
        var fake = new FakeGitHubOptions();
        var github = await FakeGitHubServer.StartAsync(fake);
        // The bed's pull requests are opened by "octocat" unless a test says otherwise: a maintainer whose pushes are
        // planned automatically (tests that need another role set it on the repository, which wins).
        github.SetPermissionOnEveryRepository("octocat", "write");
        var bed = new LifecycleBed(github, fake, await PostgresTestCluster.Shared.CreateDatabaseAsync(name));
        await bed.StartHostAsync(settings);
        return bed;
    }

    /// <summary>Starts (or, after <see cref="StopHostAsync"/>, restarts) TerraFlow on the same database and port.</summary>
    public async Task StartHostAsync(IDictionary<string, string>? settings = null)
    {
        if (PublicUrl.Length == 0) PublicUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        Fake.OAuthCallbackUrl = PublicUrl + "/api/oauth/github/callback";
        var values = new Dictionary<string, string>
        {
            ["urls"] = PublicUrl,
            ["TerraFlow:PublicUrl"] = PublicUrl,
            ["TerraFlow:GitHub:ClientId"] = Fake.OAuthClientId!,
            ["TerraFlow:GitHub:ClientSecret"] = Fake.OAuthClientSecret,
            ["TerraFlow:Queue:LeaseDuration"] = "00:00:08",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) values[k] = v;
        Host = await TerraFlowTestHost.StartAsync(ConnectionString, GitHub, Path.Combine(_work, "artifacts"), values);
    }

    public async Task StopHostAsync() => await Host.DisposeAsync();

    /// <summary>Where the stand-in logs successful applies of <paramref name="project"/>; put into the project's behavior.json.</summary>
    public string AppliesLog(string project) => Path.Combine(_work, $"applies-{project}.log");

    public string Behavior(string project, string extraJson = "") =>
        "{\"applies_log\": " + System.Text.Json.JsonSerializer.Serialize(AppliesLog(project)) + (extraJson.Length > 0 ? ", " + extraJson : "") + "}";

    public int Applies(string project) => File.Exists(AppliesLog(project)) ? File.ReadAllLines(AppliesLog(project)).Count(l => l.Length > 0) : 0;

    public Task<HttpResponseMessage> SendAsync(string eventName, string body, string? deliveryId = null) =>
        GitHubWebhooks.SendAsync(_http, Host.BaseUrl, eventName, body, TerraFlowTestHost.WebhookSecret, deliveryId);

    public async Task OpenAsync(int number, string head, string baseSha, string cloneUrl, string author = "octocat", string action = "opened")
    {
        GitHub.AddPullRequest(Owner, Repo, number, head, baseSha, author: author, headCloneUrl: cloneUrl);
        var response = await SendAsync("pull_request", GitHubWebhooks.PullRequest(new(Owner, Repo, number, head, baseSha, cloneUrl, action, Author: author)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public async Task CloseAsync(int number, string head, string baseSha, string cloneUrl, bool merged)
    {
        var pr = GitHub.PullRequest(Owner, Repo, number)!;
        GitHub.UpdatePullRequest(pr with { Open = false, Merged = merged });
        var response = await SendAsync("pull_request", GitHubWebhooks.PullRequest(new(Owner, Repo, number, head, baseSha, cloneUrl, "closed", merged)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<HttpResponseMessage> CommentAsync(int number, string body, string author, string? deliveryId = null)
    {
        var response = await SendAsync("issue_comment", GitHubWebhooks.IssueComment(Owner, Repo, number, body, author), deliveryId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    public async Task ReviewAsync(int number, string reviewer, string commitSha, string state = "approved", string? deliveryId = null)
    {
        var response = await SendAsync("pull_request_review", GitHubWebhooks.Review(Owner, Repo, number, reviewer, commitSha, state), deliveryId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits for a comment on the pull request containing <paramref name="text"/> (replies and the plan comment).</summary>
    public async Task<FakeComment> WaitForCommentAsync(int number, string text, TimeSpan? timeout = null)
    {
        try
        {
            return (await Eventually.ValueAsync(() => GitHub.Comments(Owner, Repo, number).FirstOrDefault(c => c.Body.Contains(text, StringComparison.Ordinal)),
                c => c is not null, timeout, $"a comment on #{number} containing '{text}'"))!;
        }
        catch (TimeoutException ex)
        {
            // Say what was there instead: a timeout that only says "nothing matched" cannot be diagnosed from a CI log.
            var seen = string.Join("\n---\n", GitHub.Comments(Owner, Repo, number).Select(c => c.Body.Length > 600 ? c.Body[..600] + "…" : c.Body));
            throw new TimeoutException($"{ex.Message}\nComments on #{number}:\n{seen}\n{await InboxReportAsync()}", ex);
        }
    }

    /// <summary>The status of <paramref name="project"/> in the pull request's newest run.</summary>
    public async Task<string?> ProjectStatusAsync(int number, string project)
    {
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        await using var cmd = db.CreateCommand("""
            select p.status from project_runs p
            where p.run_id = (select max(id) from runs where pr_number = $1) and p.name = $2
            """);
        cmd.Parameters.AddWithValue(number);
        cmd.Parameters.AddWithValue(project);
        return await cmd.ExecuteScalarAsync() as string;
    }

    public async Task WaitForProjectStatusAsync(int number, string project, string status, TimeSpan? timeout = null)
    {
        try
        {
            await Eventually.ValueAsync(() => ProjectStatusAsync(number, project), s => s == status, timeout, $"#{number} {project} {status}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{await InboxReportAsync()}", ex);
        }
    }

    /// <summary>The workflow inbox as a timed-out test sees it: what arrived, what was processed, what failed and why.</summary>
    private async Task<string> InboxReportAsync()
    {
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        await using var cmd = db.CreateCommand("""
            select id, kind, attempts, processed_at is not null, coalesce(last_error, ''), available_at > now()
            from workflow_inbox order by id
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        var lines = new List<string> { "Workflow inbox (id kind attempts processed waiting error):" };
        while (await reader.ReadAsync())
            lines.Add($"  {reader.GetInt64(0)} {reader.GetString(1)} {reader.GetInt32(2)} {reader.GetBoolean(3)} {reader.GetBoolean(5)} {reader.GetString(4)}");
        return string.Join('\n', lines);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The approval link for <paramref name="project"/> in the pull request's plan comment.</summary>
    public async Task<string> ApprovalLinkAsync(int number, string project)
    {
        var comment = await Eventually.ValueAsync(
            () => GitHub.Comments(Owner, Repo, number).Select(c => ApprovalLinkIn(c.Body, project)).FirstOrDefault(l => l is not null),
            l => l is not null, null, $"a plan comment on #{number} with an approval link for {project}");
        return comment!;
    }

    /// <summary>The link in the summary table row of <paramref name="project"/>, as the plan comment renders it.</summary>
    public static string? ApprovalLinkIn(string body, string project)
    {
        var row = body.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{project}` |", StringComparison.Ordinal));
        var match = row is null ? null : System.Text.RegularExpressions.Regex.Match(row, @"\[Approve\]\((http[^)\s]+)\)");
        return match is { Success: true } ? match.Groups[1].Value : null;
    }

    /// <summary>A runner in its own process on the same database and artifact folder (kill it to simulate a crash).</summary>
    public System.Diagnostics.Process StartRunnerProcess()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TerraFlow.Runner.dll"));
        psi.Environment["ConnectionStrings__Postgres"] = ConnectionString;
        psi.Environment["TerraFlow__CloneUrls__AllowLocalPaths"] = "true";
        psi.Environment["TerraFlow__ArtifactsPath"] = Path.Combine(_work, "artifacts");
        psi.Environment["TerraFlow__GitHub__ApiUrl"] = GitHub.ApiUrl;
        psi.Environment["TerraFlow__GitHub__Token"] = GitHub.Token;
        psi.Environment["TerraFlow__Runner__TerraformPath"] = RepoPaths.TerraformStandIn;
        psi.Environment["TerraFlow__Runner__PollInterval"] = "00:00:00.200";
        psi.Environment["TerraFlow__Queue__LeaseDuration"] = "00:00:08";
        var runner = System.Diagnostics.Process.Start(psi)!;
        runner.OutputDataReceived += (_, _) => { };
        runner.ErrorDataReceived += (_, _) => { };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        return runner;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await GitHub.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { } // best effort
    }
}
