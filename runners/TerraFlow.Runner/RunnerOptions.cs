namespace TerraFlow.Runner;

/// <summary>Bound from configuration section <c>TerraFlow:Runner</c>.</summary>
public sealed partial class RunnerOptions
{
    /// <summary>The Terraform (or OpenTofu) executable; a bare name is looked up on PATH.</summary>
    public string TerraformPath { get; set; } = "terraform";

    public string GitPath { get; set; } = "git";

    /// <summary>The conftest executable for projects with <c>policy_paths</c> (env <c>TerraFlow__Runner__ConftestPath</c>); a bare name is looked up on PATH.</summary>
    public string ConftestPath { get; set; } = "conftest";

    /// <summary>How long one <c>conftest test</c> run may take.</summary>
    public TimeSpan PolicyTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where job workspaces are cloned; each job gets a fresh folder that is deleted afterwards.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "terraflow-runner");

    /// <summary>Jobs one runner process works on at the same time.</summary>
    public int Concurrency { get; set; } = 2;

    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan PlanTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan CloneTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest a discover job (clone, read the config, find the affected projects and code owners) may take
    /// (<c>TerraFlow__Runner__DiscoverTimeout</c>); past it the job is reported as failed, not retried. It includes the
    /// clone, so it is longer than <see cref="CloneTimeout"/>.
    /// </summary>
    public TimeSpan DiscoverTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest a <c>terraform apply</c> may run before it is interrupted (and reported as interrupted).</summary>
    public TimeSpan ApplyTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// When the runner is asked to stop (SIGTERM, scale-in), an apply already running gets this long to finish
    /// (<c>TerraFlow__Runner__ApplyGracePeriod</c>); plans are stopped at once. The host's shutdown timeout is raised
    /// to fit it; the platform's termination grace (e.g. Container Apps) must be at least as long.
    /// </summary>
    public TimeSpan ApplyGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// After an apply is interrupted (SIGINT, so Terraform can persist state and release its lock), how long to wait
    /// for it to exit before killing it.
    /// </summary>
    public TimeSpan ApplyInterruptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an idle runner waits before asking the queue again (a notification wakes it sooner).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Process one job, then exit (for event-driven Container Apps job executions, one per queued job).</summary>
    public bool SingleJob { get; set; }

    /// <summary>With <see cref="SingleJob"/>: how long to wait for a job to become available before exiting.</summary>
    public TimeSpan SingleJobWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keeps logs and plan text stored per job readable; longer output is cut in the middle.</summary>
    public int MaxLogCharacters { get; set; } = 5_000_000;

    /// <summary>
    /// How a job gets its checkout (<c>TerraFlow__Runner__CloneMode</c>): <c>mirror</c> keeps one bare mirror
    /// per repository in <see cref="GitCacheDir"/>, fetches only the commits a job needs into it and writes the job's
    /// checkout from it; <c>fresh</c> clones the whole repository for every job (the behaviour before issue 18);
    /// <c>auto</c> (default) is <c>mirror</c> when jobs run as another user than the runner (root runner with
    /// <see cref="RunAs"/> not <c>none</c>) and <c>fresh</c> otherwise, because a job running as the runner's own user
    /// could change the shared mirror and so the checkouts of later pull requests.
    /// </summary>
    public string CloneMode { get; set; } = "auto";

    /// <summary>
    /// Where the per-repository mirrors live (<c>TerraFlow__Runner__GitCacheDir</c>); default
    /// <c>&lt;WorkDirectory&gt;/git-cache</c>. Must be on the same filesystem as <see cref="WorkDirectory"/> (checkouts
    /// are moved, not copied, into the job's folder). Only the runner's own user reads it, never a job.
    /// </summary>
    public string? GitCacheDir { get; set; }

    /// <summary>
    /// Upper bound of all mirrors together (<c>TerraFlow__Runner__GitCacheMaxMegabytes</c>); beyond it the least
    /// recently used mirrors that no job is using are deleted.
    /// </summary>
    public long GitCacheMaxMegabytes { get; set; } = 20_480;

    /// <summary>
    /// How many fetched commits a mirror keeps a ref for (<c>TerraFlow__Runner__GitMirrorMaxRefs</c>): every job adds
    /// <c>refs/terraflow/&lt;sha&gt;</c>, and thousands of refs slow every fetch's negotiation. The least recently
    /// fetched go first; their objects may go at the next repack, and a later job fetches such a commit again.
    /// </summary>
    public int GitMirrorMaxRefs { get; set; } = 256;

    /// <summary>
    /// Packs a mirror may hold before it is repacked into one (<c>TerraFlow__Runner__GitMirrorMaxPacks</c>; git's own
    /// <c>gc.autoPackLimit</c> default): every fetch adds a pack, and each lookup searches every pack's index.
    /// </summary>
    public int GitMirrorMaxPacks { get; set; } = 50;

    public bool UsesMirrors => (CloneMode?.Trim().ToLowerInvariant()) switch
    {
        "fresh" => false,
        "mirror" => true,
        _ => Sandbox.JobUser.IsRoot() && !string.Equals(RunAs?.Trim(), "none", StringComparison.OrdinalIgnoreCase),
    };

    public string EffectiveGitCacheDir => string.IsNullOrWhiteSpace(GitCacheDir) ? Path.Combine(WorkDirectory, "git-cache") : GitCacheDir;

    /// <summary>How often the runner deletes stale job folders in <see cref="WorkDirectory"/> (also once at start).</summary>
    public TimeSpan WorkspaceSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest one job can take with these limits (clone and fetches, init, plan steps, policy, apply with its
    /// grace and interrupt time); a job folder older than this belongs to no live job.
    /// </summary>
    public TimeSpan LongestJob =>
        CloneTimeout * 3 + InitTimeout + PlanTimeout * 3 + PolicyTimeout + ApplyTimeout + ApplyGracePeriod + ApplyInterruptTimeout;

    /// <summary>
    /// Extra environment of Terraform, OpenTofu and conftest in every trusted job
    /// (<c>TerraFlow__Runner__Environment__TF_LOG=INFO</c>). Children get nothing else from the runner's own environment
    /// beyond PATH and LANG; see <c>Sandbox/ChildEnvironment</c>. Untrusted (fork) plans do not get these.
    /// </summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Credentials for Terraform, each for the repositories and projects it names
    /// (<c>TerraFlow__Runner__Credentials__0__Repositories=acme/*</c>, <c>__Projects=prod-*</c>,
    /// <c>__Environment__ARM_CLIENT_SECRET=...</c>). Their values are masked; untrusted (fork) plans get none.
    /// </summary>
    public List<RunnerCredential> Credentials { get; set; } = [];

    /// <summary>
    /// Which OS user runs git, Terraform and conftest when the runner runs as root: <c>job</c> (default) a fresh
    /// unnamed uid per job, so jobs cannot read each other's processes either; a user name or uid number for one
    /// fixed account; <c>none</c> to keep root (not recommended). Ignored when the runner is not root.
    /// </summary>
    public string RunAs { get; set; } = "job";
}

/// <summary>One operator-configured credential set (see <see cref="RunnerOptions.Credentials"/>).</summary>
public sealed class RunnerCredential
{
    /// <summary>Comma-separated globs over <c>owner/name</c> (GitLab: the full project path); empty = every repository.</summary>
    public string? Repositories { get; set; }

    /// <summary>Comma-separated globs over project names; empty = every project.</summary>
    public string? Projects { get; set; }

    /// <summary>Optional provider name (<c>github</c>, <c>gitlab</c>); empty = any.</summary>
    public string? Provider { get; set; }

    /// <summary>Variables set for Terraform in matching jobs; every value is treated as a secret.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Comma-separated names copied from the runner's own environment into matching jobs (e.g.
    /// <c>IDENTITY_ENDPOINT,IDENTITY_HEADER</c> for a Container App's managed identity); values are masked too.
    /// </summary>
    public string? PassThrough { get; set; }
}
