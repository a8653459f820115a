using System.Net;
using System.Text;
using System.Text.Json;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 1 (and the runner half of 5): a pull request's Terraform reads the runner's secrets with
/// <c>file("/proc/self/environ")</c>, <c>file("/proc/&lt;host pid&gt;/environ")</c> and <c>file("&lt;App key&gt;")</c>
/// and prints them as outputs. With the REAL terraform on PATH and the whole host (in-process runner): Terraform's own
/// environment holds nothing of the host's; the host's environment and the root-owned key are unreadable (permission
/// denied, as root: CI and the default container); an operator credential printed plainly, base64- or URL-encoded is
/// masked in the comment, the artifacts and the API.
/// </summary>
public sealed class RunnerSecretsTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 9;
    // Set in the host's process environment: a name that does not look secret (so only isolation keeps it out)
    // and one that does.
    private const string MarkerVariable = "TERRAFLOW_SECURITY_MARKER";
    private const string MarkerValue = "host-marker-7d1c0f3a9e";
    private const string HostSecretVariable = "TERRAFLOW_SECURITY_TEST_TOKEN";
    private const string HostSecretValue = "host-token-55aa01bb3c";
    private const string Credential = "operator-credential-9f8e7d6c";
    private static readonly string SigningKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("signing-key-for-the-security-test!!"));
    private const string FakeAppKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfakeAppKeyForTheRunnerSecretsTest0123456789abcdef\n-----END RSA PRIVATE KEY-----\n";

    private readonly HttpClient _http = new();
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "terraflow-secrets-" + Guid.NewGuid().ToString("N")[..10]);
    private FakeGitHubServer _github = null!;
    private string _db = null!;
    private string _keyPath = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("secrets");
        Directory.CreateDirectory(_scratch);
        _keyPath = Path.Combine(_scratch, "github-app.pem");
        await File.WriteAllTextAsync(_keyPath, FakeAppKey);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite); // 0600, as a key should be
        Environment.SetEnvironmentVariable(MarkerVariable, MarkerValue);
        Environment.SetEnvironmentVariable(HostSecretVariable, HostSecretValue);
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_pull_requests_terraform_reads_no_host_secret_and_printed_credentials_are_masked()
    {
        Assert.True(RealTerraformOnPath(), "this test needs the real terraform on PATH (v1.11.x)");
        var isRoot = Environment.UserName == "root";
        using var git = TestGitRepository.Create();
        git.Write("README.md", "# infra\n");
        var baseSha = git.Commit("base");
        git.Checkout("attack", create: true);
        git.Write("environ/main.tf", "output \"environ\" {\n  value = base64encode(file(\"/proc/self/environ\"))\n}\n")
           .Write("hostenv/main.tf", $"output \"host\" {{\n  value = base64encode(file(\"/proc/{Environment.ProcessId}/environ\"))\n}}\n")
           .Write("appkey/main.tf", $"output \"key\" {{\n  value = file(\"{_keyPath}\")\n}}\n")
           .Write("cred/main.tf", """
               variable "cred" {
                 type    = string
                 default = "absent"
               }
               output "plain" { value = var.cred }
               output "b64" { value = base64encode(var.cred) }
               output "b64_inside" { value = base64encode("prefix-${var.cred}-suffix") }
               output "url" { value = urlencode("a b&${var.cred}") }
               """);
        var head = git.Commit("read the runner's secrets");
        _github.AddPullRequest(Owner, Repo, Number, head, baseSha, headCloneUrl: git.CloneUrl);

        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string>
        {
            ["TerraFlow:Runner:TerraformPath"] = "terraform",
            ["TerraFlow:GitHub:PrivateKeyPath"] = _keyPath,
            ["TerraFlow:Approvals:SigningKey"] = SigningKey,
            ["TerraFlow:Runner:Credentials:0:Repositories"] = $"{Owner}/*",
            ["TerraFlow:Runner:Credentials:0:Projects"] = "cred",
            ["TerraFlow:Runner:Credentials:0:Environment:TF_VAR_cred"] = Credential,
        });

        var ack = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request",
            GitHubWebhooks.PullRequest(new(Owner, Repo, Number, head, baseSha, git.CloneUrl)), TerraFlowTestHost.WebhookSecret);
        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
        var runId = JsonDocument.Parse(await ack.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetInt64();

        var statuses = await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == head && s.State != "pending").ToList(),
            s => s.Count >= 4, TimeSpan.FromMinutes(3), "four final plan statuses");
        string State(string project) => statuses.Single(s => s.Context == "terraflow/plan: " + project).State;
        Assert.Equal("success", State("environ"));
        Assert.Equal("success", State("cred"));
        var comment = (await Eventually.ValueAsync(
            () => _github.Comments(Owner, Repo, Number),
            // The statuses can be final before the comment's last edit (separate outbox rows): as root, also wait until
            // both refusals are in it.
            c => c.Count == 1 && c[0].Body.Contains("appkey", StringComparison.Ordinal) && c[0].Body.Contains("hostenv", StringComparison.Ordinal)
                && c[0].Body.Contains("b64_inside", StringComparison.Ordinal)
                && (!isRoot || System.Text.RegularExpressions.Regex.Count(c[0].Body, @"permission\s+denied") >= 2),
            TimeSpan.FromMinutes(1), "the comment with all four projects"))[0].Body;

        // Not root, children share the runner's uid: the runner is non-dumpable, so /proc/<pid>/environ stays closed
        // to them (as root they run as another uid anyway).
        if (OperatingSystem.IsLinux()) Assert.True(TerraFlow.Runner.Sandbox.ProcessProtection.IsUndumpable(), "the runner process is still dumpable");
        if (isRoot)
        {
            // Terraform runs as another uid: the host's environment and the root-owned 0600 key are unreadable.
            Assert.Equal("failure", State("hostenv"));
            Assert.Equal("failure", State("appkey"));
            // Terraform wraps its error lines anywhere between words: "open\n/proc/…/environ: permission denied."
            Assert.Matches($@"open\s+/proc/{Environment.ProcessId}/environ:\s+permission\s+denied", comment);
            Assert.Matches($@"open\s+{System.Text.RegularExpressions.Regex.Escape(_keyPath)}:\s+permission\s+denied", comment);
        }

        // Terraform's own environment is the allow-list: decoded, it has the job's HOME and nothing of the host's.
        var planJson = await ArtifactTextAsync(host, "environ", "plan.json");
        var environ = Encoding.UTF8.GetString(Convert.FromBase64String(OutputValue(planJson, "environ")));
        var names = environ.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(v => v[..v.IndexOf('=')]).ToHashSet();
        // Exactly the allow-list (the default workspace sets no TF_WORKSPACE; no operator environment is configured).
        Assert.Equal(["CHECKPOINT_DISABLE", "HOME", "LANG", "PATH", "TF_INPUT", "TF_IN_AUTOMATION", "TMPDIR"], names.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("TerraFlow", StringComparison.OrdinalIgnoreCase) || n.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(MarkerVariable, names);
        Assert.DoesNotContain(HostSecretVariable, names);
        Assert.DoesNotContain("TF_VAR_cred", names); // the credential is for project "cred" only

        // The credential printed plainly and encoded is masked; the same outputs still show (as ***).
        var credPlan = await ArtifactTextAsync(host, "cred", "plan.txt");
        Assert.Contains("b64_inside", credPlan);
        Assert.Contains("***", credPlan);
        var credJson = await ArtifactTextAsync(host, "cred", "plan.json");
        var api = await (await host.ConsoleClientAsync()).GetStringAsync($"{host.BaseUrl}/api/runs/{runId}");
        var logs = string.Join("\n", await Task.WhenAll(Directory.EnumerateFiles(host.ArtifactsPath, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".txt", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Select(f => File.ReadAllTextAsync(f))));
        foreach (var (where, text) in new[] { ("comment", comment), ("plan text", credPlan), ("plan json", credJson), ("API", api), ("artifacts", logs) })
        {
            foreach (var secret in Forbidden())
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} contains '{secret}'");
        }
    }

    /// <summary>Every host secret and the credential, plainly and in the encodings the outputs above produce.</summary>
    private IEnumerable<string> Forbidden()
    {
        string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        yield return MarkerValue;
        yield return B64(MarkerValue);
        yield return HostSecretValue;
        yield return SigningKey;
        yield return TerraFlowTestHost.WebhookSecret;
        yield return "MIIEowIBAAKCAQEAfakeAppKeyForTheRunnerSecretsTest0123456789abcdef";
        yield return Credential;
        yield return B64(Credential);
        yield return B64("prefix-" + Credential + "-suffix")[12..28]; // the credential's part of the larger base64
        yield return Uri.EscapeDataString("a b&" + Credential);
        yield return Uri.EscapeDataString(Credential);
    }

    private static string OutputValue(string planJson, string name) =>
        JsonDocument.Parse(planJson).RootElement.GetProperty("planned_values").GetProperty("outputs").GetProperty(name).GetProperty("value").GetString()!;

    private static async Task<string> ArtifactTextAsync(TerraFlowTestHost host, string project, string file)
    {
        var path = Directory.EnumerateFiles(host.ArtifactsPath, file, SearchOption.AllDirectories)
            .Single(f => f.Contains(Path.DirectorySeparatorChar + project + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        return await File.ReadAllTextAsync(path);
    }

    private static bool RealTerraformOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "terraform")));
}
