using System.Globalization;
using System.Text;
using TerraFlow.Application.Access;
using TerraFlow.Application.Queries;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Vcs;
using TerraFlow.Functions.Api;
using static TerraFlow.Functions.Approvals.HtmlPage;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The console's pages (server-rendered HTML, no script): runs, a run, locks and queues (with an operator's lock
/// release: confirm page, POST with an anti-forgery token), health. Every page needs a signed-in user
/// (<see cref="ConsolePolicies.SignedIn"/>; the drift page is <see cref="ConsoleDriftPage"/>; releasing a lock <see cref="ConsolePolicies.Operate"/> and operate access to
/// the repository) and shows only what <see cref="ConsoleReader"/> lets the user read.
/// </summary>
internal static class ConsolePages
{
    /// <summary>Plan text shown inline per project; the rest is one link away (the plan API serves up to 1,000,000 characters).</summary>
    public const int PagePlanCharacters = 200_000;

    /// <summary>
    /// The console's one canonical place: <c>/api/console</c>, the only prefix the Functions host can serve (its routes
    /// all live below <c>/api</c>), so the same link works in both hosts. The standalone host also answers at
    /// <c>/console</c> as a convenience (same pages, same policies, links inside follow the request's prefix).
    /// </summary>
    public const string CanonicalRoot = "/api/console";

    /// <summary>The standalone host's convenience prefix (no worker function serves it).</summary>
    public const string ConvenienceRoot = "/console";

    public static IEndpointRouteBuilder MapConsolePages(this IEndpointRouteBuilder app)
    {
        // Where sign-in returns to by default, and the console's front door.
        app.MapGet("/", () => Results.Redirect(CanonicalRoot + "/runs")).RequireAuthorization(ConsolePolicies.SignedIn);
        foreach (var root in new[] { CanonicalRoot, ConvenienceRoot })
        {
            app.MapGet(root, (HttpContext ctx) => Results.Redirect(ConsoleRequest.Root(ctx) + "/runs")).RequireAuthorization(ConsolePolicies.SignedIn);
            app.MapGet(root + "/runs", RunsAsync).RequireAuthorization(ConsolePolicies.SignedIn);
            app.MapGet(root + "/runs/{id:long}", RunAsync).RequireAuthorization(ConsolePolicies.SignedIn);
            app.MapGet(root + "/locks", LocksAsync).RequireAuthorization(ConsolePolicies.SignedIn);
            app.MapGet(root + "/locks/release", ConfirmReleaseAsync).RequireAuthorization(ConsolePolicies.Operate);
            app.MapPost(root + "/locks/release", ReleaseAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
            app.MapGet(root + "/health", HealthAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        }
        app.MapConsoleDrift();
        return app;
    }

    // ---- runs ----

    internal static async Task<IResult> RunsAsync(HttpContext ctx, ConsoleReader reader, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        var (filter, error) = RunListQuery.Parse(ctx.Request.Query);
        var shown = filter ?? new RunListFilter(null, null, null, null, null, RunListFilter.DefaultLimit);
        var html = new StringBuilder();
        html.Append(FilterForm(root, ctx.Request.Query));
        if (filter is null)
        {
            html.Append($"<p class=\"problem\" role=\"alert\">{E(error)}</p>");
            return Page(ctx, StatusCodes.Status400BadRequest, "Runs", html.ToString(), user);
        }
        var page = await reader.ListRunsAsync(user, filter, ct);
        if (page.Runs.Count == 0)
        {
            html.Append("<p>No runs to show. Runs of repositories you cannot read on the VCS host are not listed.</p>");
        }
        else
        {
            html.Append("<div class=\"table\"><table><caption class=\"note\">Newest first</caption><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Repository</th>" +
                        "<th scope=\"col\">Pull request</th><th scope=\"col\">Trigger</th><th scope=\"col\">Status</th><th scope=\"col\">Projects</th><th scope=\"col\">Commit</th><th scope=\"col\">Updated</th></tr></thead><tbody>");
            foreach (var r in page.Runs)
            {
                html.Append($"<tr><td><a href=\"{E(root)}/runs/{r.Id}\">#{r.Id}</a></td><td>{E(r.Repository)}</td>")
                    .Append($"<td>{(r.PullRequest is { } n ? "#" + n.ToString(CultureInfo.InvariantCulture) : "–")}</td><td>{E(TriggerWord(r.Trigger))}</td>")
                    .Append($"<td>{Badge(r.Status)}</td><td>{r.Projects}{(r.ProjectsFailed > 0 ? $" <span class=\"bad\">({r.ProjectsFailed} failed)</span>" : "")}</td>")
                    .Append($"<td><code>{E(Short(r.HeadSha))}</code></td><td>{E(ConsoleRequest.Time(r.UpdatedAt))}</td></tr>");
            }
            html.Append("</tbody></table></div>");
            if (page.NextBefore is { } next)
                html.Append($"<p><a rel=\"next\" href=\"{E(root)}/runs{E(RunListQuery.ToQuery(filter, next))}\">Older runs</a></p>");
        }
        return Page(ctx, StatusCodes.Status200OK, "Runs", html.ToString(), user);
    }

    private static string FilterForm(string root, IQueryCollection q)
    {
        string V(string name) => E(q.TryGetValue(name, out var v) ? v.ToString() : "");
        string Opt(string value, string label) => $"<option value=\"{value}\"{(q["trigger"].ToString() == value ? " selected" : "")}>{label}</option>";
        return $"<form class=\"filters\" method=\"get\" action=\"{E(root)}/runs\" role=\"search\" aria-label=\"Filter runs\">" +
               $"<label for=\"f-repo\">Repository<input id=\"f-repo\" name=\"repository\" placeholder=\"owner/name\" value=\"{V("repository")}\"></label>" +
               $"<label for=\"f-pr\">Pull request<input id=\"f-pr\" name=\"pull_request\" inputmode=\"numeric\" size=\"6\" value=\"{V("pull_request")}\"></label>" +
               $"<label for=\"f-trigger\">Trigger<select id=\"f-trigger\" name=\"trigger\">{Opt("", "any")}{Opt("pull_request", "pull request")}{Opt("drift", "drift")}{Opt("manual", "manual")}</select></label>" +
               $"<label for=\"f-status\">Status<input id=\"f-status\" name=\"status\" placeholder=\"planned\" size=\"12\" value=\"{V("status")}\"></label>" +
               "<button type=\"submit\">Filter</button></form>";
    }

    // ---- one run ----

    internal static async Task<IResult> RunAsync(long id, HttpContext ctx, ConsoleReader reader, VcsWebLinks links, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        if (await reader.RunPageAsync(user, id, PagePlanCharacters, ct) is not { } page)
            return Page(ctx, StatusCodes.Status404NotFound, "Run not found", $"<p>Run {id} does not exist, or you cannot read its repository.</p><p><a href=\"{E(root)}/runs\">All runs</a></p>", user);
        var run = page.Run;
        var html = new StringBuilder();
        var prLink = links.PullRequest(run.Provider, run.Repository, run.PullRequest);
        var prText = run.PullRequest > 0 ? $"{run.Repository}#{run.PullRequest}" : run.Repository;
        html.Append("<dl>")
            .Append($"<dt>Repository</dt><dd>{E(run.Repository)} <span class=\"note\">({E(run.Provider)})</span></dd>")
            .Append($"<dt>Pull request</dt><dd>{(prLink is null ? E(prText) : $"<a href=\"{E(prLink)}\">{E(prText)}</a>")}")
            .Append(page.CommentIds.Count > 0 && links.Comment(run.Provider, run.Repository, run.PullRequest, page.CommentIds[0]) is { } c ? $" · <a href=\"{E(c)}\">TerraFlow's comment</a>" : "")
            .Append("</dd>")
            .Append($"<dt>Status</dt><dd>{Badge(run.Status)}{(run.Merged ? " <span class=\"badge\">merged</span>" : "")}</dd>")
            .Append($"<dt>Head</dt><dd><code>{E(run.HeadSha)}</code></dd><dt>Base</dt><dd><code>{E(run.BaseSha)}</code></dd>");
        if (run.SupersededBy is not null) html.Append($"<dt>Superseded by</dt><dd><code>{E(run.SupersededBy)}</code></dd>");
        if (run.ConfigError is not null) html.Append($"<dt>Configuration</dt><dd class=\"problem\">{E(run.ConfigError)}</dd>");
        if (run.Failure is not null) html.Append($"<dt>Failure</dt><dd class=\"problem\">{E(run.Failure)}</dd>");
        html.Append("</dl>");

        var inFlight = run.Status is "discovering" or "planning" || run.Projects.Any(p => p.Status is "queued" or "running" or "applying" or "apply_pending");
        if (inFlight)
            html.Append("<p class=\"note\" role=\"status\">Work is in progress: this page refreshes every 5 seconds. The runner's log is stored when the job ends.</p>");

        html.Append("<section aria-labelledby=\"projects\"><h2 id=\"projects\">Projects</h2>");
        if (run.Projects.Count == 0) html.Append("<p>No projects (yet).</p>");
        else
        {
            html.Append("<div class=\"table\"><table><thead><tr><th scope=\"col\">Project</th><th scope=\"col\">Dir</th><th scope=\"col\">Workspace</th><th scope=\"col\">Status</th>" +
                        "<th scope=\"col\">Add</th><th scope=\"col\">Change</th><th scope=\"col\">Destroy</th><th scope=\"col\">Replace</th></tr></thead><tbody>");
            foreach (var p in run.Projects)
                html.Append($"<tr><td><a href=\"#p-{E(Anchor(p.Name))}\">{E(p.Name)}</a></td><td><code>{E(p.Dir)}</code></td><td>{E(p.Workspace)}</td><td>{Badge(p.Status)}" +
                            (p.WaitingBehind is { } w ? $" <span class=\"note\">behind #{w}</span>" : "") + "</td>" +
                            $"<td>{Count(p.Counts?.Add)}</td><td>{Count(p.Counts?.Change)}</td><td>{Count(p.Counts?.Destroy)}</td><td>{Count(p.Counts?.Replace)}</td></tr>");
            html.Append("</tbody></table></div>");
        }
        html.Append("</section>");

        foreach (var p in run.Projects)
        {
            html.Append($"<section id=\"p-{E(Anchor(p.Name))}\" aria-labelledby=\"h-{E(Anchor(p.Name))}\"><h2 id=\"h-{E(Anchor(p.Name))}\">{E(p.Name)}</h2>");
            if (p.Error is not null) html.Append($"<p class=\"problem\">{E(p.Error)}</p>");
            if (page.Plans.TryGetValue(p.Name, out var plan))
            {
                html.Append($"<details><summary>Plan of {E(p.Name)}</summary><pre tabindex=\"0\">{E(plan.Text)}</pre>");
                if (plan.Truncated)
                    html.Append($"<p class=\"note\">Cut at {PagePlanCharacters:N0} characters: <a href=\"{E(ApiBase(root))}/runs/{run.Id}/projects/{E(Uri.EscapeDataString(p.Name))}/plan\">the whole plan</a>.</p>");
                html.Append("</details>");
            }
            if (p.Policy is { } policy)
            {
                html.Append("<h3>Policies</h3>");
                html.Append(policy.Denied ? "<p><span class=\"badge bad\">denied</span>" : "<p><span class=\"badge good\">passed</span>");
                if (policy.OverriddenBy is not null) html.Append($" overridden by {E(policy.OverriddenBy)}");
                html.Append("</p>");
                if (policy.Error is not null) html.Append($"<p class=\"problem\">{E(policy.Error)}</p>");
                if (policy.Results.Count > 0)
                {
                    html.Append("<ul>");
                    foreach (var v in policy.Results)
                        html.Append($"<li><strong>{E(v.Severity)}</strong> {E(v.Rule)} <span class=\"note\">({E(v.Source)})</span>: {E(v.Message)}" +
                                    (v.Resources.Count > 0 ? $" <span class=\"note\">— {E(string.Join(", ", v.Resources))}</span>" : "") + "</li>");
                    html.Append("</ul>");
                }
            }
            html.Append("<h3>Approvals</h3>");
            if (p.Approvals.Count == 0) html.Append("<p class=\"note\">None.</p>");
            else
            {
                html.Append("<ul>");
                foreach (var a in p.Approvals)
                    html.Append($"<li>{E(a.User)}, {E(ConsoleRequest.Time(a.At))}, through {E(ApprovalWord(a.Source))}</li>");
                html.Append("</ul>");
            }
            if (p.Apply is { } apply)
            {
                html.Append($"<h3>Apply</h3><p>Requested by {E(apply.RequestedBy)} for plan <code>{E(Short(apply.PlanSha256))}</code>.</p>");
                if (apply.Error is not null) html.Append($"<p class=\"problem\">{E(apply.Error)}</p>");
                if (page.ApplyOutputs.TryGetValue(p.Name, out var output) && !string.IsNullOrEmpty(output))
                    html.Append($"<details open><summary>Apply output of {E(p.Name)} (the end)</summary><pre tabindex=\"0\">{E(output)}</pre></details>");
                html.Append($"<p><a href=\"{E(ApiBase(root))}/runs/{run.Id}/projects/{E(Uri.EscapeDataString(p.Name))}/apply\">Full apply log (JSON)</a></p>");
            }
            html.Append("</section>");
        }

        html.Append(ConsoleOperatorActions.ReplanForm(ctx, page));
        html.Append("<section aria-labelledby=\"audit\"><h2 id=\"audit\">Audit timeline</h2>");
        if (page.Events.Count == 0) html.Append("<p class=\"note\">No events.</p>");
        else
        {
            html.Append("<div class=\"table\"><table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">Detail</th></tr></thead><tbody>");
            foreach (var ev in page.Events)
                html.Append($"<tr><td>{E(ConsoleRequest.Time(ev.At))}</td><td>{E(ev.Actor)}</td><td>{E(ev.Action)}</td><td>{E(ev.Detail)}</td></tr>");
            html.Append("</tbody></table></div>");
        }
        html.Append($"</section><p><a href=\"{E(ApiBase(root))}/runs/{run.Id}\">This run as JSON</a> · <a href=\"{E(ApiBase(root))}/runs/{run.Id}/events\">its events as JSON</a></p>");
        return Page(ctx, StatusCodes.Status200OK, $"Run #{run.Id}", html.ToString(), user, inFlight ? 5 : null);
    }

    // ---- locks and queues ----

    internal static async Task<IResult> LocksAsync(HttpContext ctx, ConsoleReader reader, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        var rows = await reader.LockRowsAsync(user, ct);
        var html = new StringBuilder();
        if (rows.Count == 0)
        {
            html.Append("<p>No project is locked in the repositories you can read.</p>");
            return Page(ctx, StatusCodes.Status200OK, "Locks & queues", html.ToString(), user);
        }
        html.Append("<p class=\"note\">A pull request that plans a project holds its lock (its directory and workspace) until it is merged, closed or unlocked; " +
                    "the pull requests queued behind it are re-planned in turn.</p>");
        html.Append("<div class=\"table\"><table><thead><tr><th scope=\"col\">Repository</th><th scope=\"col\">Dir</th><th scope=\"col\">Workspace</th><th scope=\"col\">Held by</th>" +
                    "<th scope=\"col\">Since</th><th scope=\"col\">Waiting</th><th scope=\"col\"><span class=\"note\">Action</span></th></tr></thead><tbody>");
        foreach (var (l, level) in rows.Select(r => (r.Lock, r.Access)))
        {
            var waiters = l.Waiters.Count == 0 ? "<span class=\"note\">nobody</span>"
                : "<ol>" + string.Concat(l.Waiters.Select(w => $"<li>#{w.PullRequest} <span class=\"note\">since {E(ConsoleRequest.Time(w.Since))}</span>{ConsoleOperatorActions.CancelLink(ctx, l, w, level)}</li>")) + "</ol>";
            var action = level >= RepositoryAccessLevel.Operate
                ? $"<a class=\"button\" href=\"{E(root)}/locks/release{E(ReleaseQuery(l))}\" aria-label=\"Release the lock on {E(l.Dir)} ({E(l.Workspace)}) held by #{l.PullRequest}\">Release…</a>"
                : "";
            html.Append($"<tr><td>{E(l.Repository)}</td><td><code>{E(l.Dir)}</code></td><td>{E(l.Workspace)}</td><td>#{l.PullRequest}</td><td>{E(ConsoleRequest.Time(l.Since))}</td><td>{waiters}</td><td>{action}</td></tr>");
        }
        html.Append("</tbody></table></div>");
        return Page(ctx, StatusCodes.Status200OK, "Locks & queues", html.ToString(), user);
    }

    internal static async Task<IResult> ConfirmReleaseAsync(HttpContext ctx, ConsoleReader reader, IRepositoryAccess access, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        var q = ctx.Request.Query;
        if (LockTarget.From(q["provider"], q["repository"], q["dir"], q["workspace"], q["pull_request"]) is not { } target)
            return Page(ctx, StatusCodes.Status400BadRequest, "Release a lock", "<p class=\"problem\">This link does not name a lock.</p>", user);
        if (await DeniedAsync(ctx, access, user, target, ct) is { } denied) return denied;
        var held = (await reader.LocksAsync(user, ct)).FirstOrDefault(target.Matches);
        if (held is null)
            return Page(ctx, StatusCodes.Status404NotFound, "Release a lock", $"<p>That lock is not held by #{target.PullRequest} (any more).</p><p><a href=\"{E(root)}/locks\">Locks &amp; queues</a></p>", user);
        var next = held.Waiters.Count > 0 ? $"#{held.Waiters[0].PullRequest} is next in the queue and will be re-planned." : "Nobody is waiting for it.";
        var html = $"<dl><dt>Repository</dt><dd>{E(held.Repository)}</dd><dt>Dir</dt><dd><code>{E(held.Dir)}</code></dd><dt>Workspace</dt><dd>{E(held.Workspace)}</dd>" +
                   $"<dt>Held by</dt><dd>#{held.PullRequest} since {E(ConsoleRequest.Time(held.Since))}</dd></dl>" +
                   $"<p>Releasing works like commenting <code>terraflow unlock</code> on #{held.PullRequest} for this project: the pull request is told, the release is audited, and its plan can no longer be applied until it is planned again. {E(next)}</p>" +
                   $"<form method=\"post\" action=\"{E(root)}/locks/release\">" +
                   ConsoleAntiForgery.HiddenField(ctx) +
                   Hidden("provider", held.Provider) + Hidden("repository", held.Repository) + Hidden("dir", held.Dir) + Hidden("workspace", held.Workspace) +
                   Hidden("pull_request", held.PullRequest.ToString(CultureInfo.InvariantCulture)) +
                   $"<button type=\"submit\" class=\"danger\">Release the lock</button> <a href=\"{E(root)}/locks\">Cancel</a></form>";
        return Page(ctx, StatusCodes.Status200OK, "Release a lock?", html, user);
    }

    internal static async Task<IResult> ReleaseAsync(HttpContext ctx, IRepositoryAccess access, ConsoleLockRelease release, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        if (!ctx.Request.HasFormContentType)
            return Page(ctx, StatusCodes.Status400BadRequest, "Release a lock", "<p class=\"problem\">Send the form from the confirm page.</p>", user);
        // The standalone route's filter checked it already; the worker's function has no filters.
        if (await ConsoleAntiForgery.CheckAsync(ctx, ct) is { } refused) return refused;
        var form = await ctx.Request.ReadFormAsync(ct);
        if (LockTarget.From(form["provider"], form["repository"], form["dir"], form["workspace"], form["pull_request"]) is not { } target)
            return Page(ctx, StatusCodes.Status400BadRequest, "Release a lock", "<p class=\"problem\">The form does not name a lock.</p>", user);
        if (await DeniedAsync(ctx, access, user, target, ct) is { } denied) return denied;
        var (owner, name) = ConsoleReader.SplitRepository(target.Repository);
        // Named on the pull request like a commenter when the user signed in with its VCS host; audited as the console.
        var login = user.IdentityProvider == target.Provider ? user.Login : user.DisplayName;
        var outcome = await release.ReleaseAsync(target.Provider, new RepoRef(owner, name), target.Dir, target.Workspace, target.PullRequest,
            login, $"{user.Login} ({user.IdentityProvider}, console)", ct);
        return outcome switch
        {
            LockReleaseOutcome.Released => Page(ctx, StatusCodes.Status200OK, "Lock released",
                $"<p role=\"status\">The lock on <code>{E(target.Dir)}</code> ({E(target.Workspace)}) of {E(target.Repository)} held by #{target.PullRequest} is released. " +
                $"The next pull request in its queue, if any, is being re-planned.</p><p><a href=\"{E(root)}/locks\">Locks &amp; queues</a></p>", user),
            LockReleaseOutcome.ApplyInFlight => Page(ctx, StatusCodes.Status409Conflict, "Not released",
                $"<p class=\"problem\">#{target.PullRequest} is applying this project; its lock is released when the apply ends.</p><p><a href=\"{E(root)}/locks\">Locks &amp; queues</a></p>", user),
            _ => Page(ctx, StatusCodes.Status404NotFound, "Not released",
                $"<p>That lock is not held by #{target.PullRequest} (any more).</p><p><a href=\"{E(root)}/locks\">Locks &amp; queues</a></p>", user),
        };
    }

    /// <summary>A 403 page unless the user may operate the repository (a viewer, or a repository they cannot read: the same answer).</summary>
    private static async Task<IResult?> DeniedAsync(HttpContext ctx, IRepositoryAccess access, ConsoleUser user, LockTarget target, CancellationToken ct)
    {
        var (owner, name) = ConsoleReader.SplitRepository(target.Repository);
        if (await access.AccessAsync(user, new RepositoryKey(target.Provider, owner, name), ct) >= RepositoryAccessLevel.Operate) return null;
        return Page(ctx, StatusCodes.Status403Forbidden, "Not allowed",
            "<p>Releasing a lock needs the operator role: write permission on the repository, or being named in <code>TerraFlow__Auth__Operators</code>.</p>" +
            $"<p><a href=\"{E(ConsoleRequest.Root(ctx))}/locks\">Locks &amp; queues</a></p>", user);
    }

    private static string ReleaseQuery(HeldLock l) =>
        $"?provider={Uri.EscapeDataString(l.Provider)}&repository={Uri.EscapeDataString(l.Repository)}&dir={Uri.EscapeDataString(l.Dir)}" +
        $"&workspace={Uri.EscapeDataString(l.Workspace)}&pull_request={l.PullRequest.ToString(CultureInfo.InvariantCulture)}";

    private sealed record LockTarget(string Provider, string Repository, string Dir, string Workspace, int PullRequest)
    {
        public static LockTarget? From(string? provider, string? repository, string? dir, string? workspace, string? pr) =>
            string.IsNullOrEmpty(provider) || string.IsNullOrEmpty(repository) || string.IsNullOrEmpty(dir) || string.IsNullOrEmpty(workspace)
            || !int.TryParse(pr, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0
            || provider.Length > 40 || repository.Length > 300 || dir.Length > 1000 || workspace.Length > 200
                ? null
                : new LockTarget(provider, repository, dir, workspace, n);

        public bool Matches(HeldLock l) => l.Provider == Provider && string.Equals(l.Repository, Repository, StringComparison.OrdinalIgnoreCase)
                                           && l.Dir == Dir && l.Workspace == Workspace && l.PullRequest == PullRequest;
    }

    // ---- health ----

    internal static async Task<IResult> HealthAsync(HttpContext ctx, TerraFlow.Application.Health.IDatabaseHealth db, TerraFlow.Core.Artifacts.IArtifactStore artifacts, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var h = await HealthEndpoint.ProbeAsync(db, artifacts, ctx.RequestServices, ct);
        static string State(bool ok, string? error) => ok ? "<span class=\"badge good\">reachable</span>" : $"<span class=\"badge bad\">unreachable</span> <span class=\"problem\">{E(error)}</span>";
        var b = h.Runners.Backlog;
        var html = new StringBuilder()
            .Append($"<p>Overall: {(h.Healthy ? "<span class=\"badge good\">healthy</span>" : "<span class=\"badge bad\">unhealthy</span>")}</p><dl>")
            .Append($"<dt>Database</dt><dd>{State(h.Database.Reachable, h.Database.Error)}{(h.Database.Migrations is { } m ? $" <span class=\"note\">{m} migrations</span>" : "")}</dd>")
            .Append($"<dt>Job queue</dt><dd>{State(h.Queue.Reachable, h.Queue.Error)} <span class=\"note\">{E(h.Queue.Transport)}</span></dd>")
            .Append($"<dt>Artifact store</dt><dd>{State(h.Artifacts.Reachable, h.Artifacts.Error)}</dd>")
            .Append(b is null
                ? $"<dt>Runner backlog</dt><dd class=\"problem\">{E(h.Runners.Error)}</dd>"
                : $"<dt>Runner backlog</dt><dd>{b.Queued} queued, {b.Running} running</dd><dt>Oldest queued job</dt><dd>{(b.OldestQueuedAgeSeconds is { } age ? E(Age(age)) + " waiting" : "none")}</dd>")
            .Append("</dl><p class=\"note\">The same as JSON, without sign-in: <code>GET /api/health</code>.</p>");
        return Page(ctx, h.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, "Health", html.ToString(), user);
    }

    // ---- helpers ----

    internal static ConsoleLayout Page(HttpContext ctx, int status, string title, string body, ConsoleUser user, int? refresh = null) =>
        new(status, title, ConsoleRequest.Root(ctx), body, user.Role == ConsoleRole.Viewer ? $"{user.DisplayName} ({user.IdentityProvider})" : $"{user.DisplayName} ({user.IdentityProvider}, {user.Role.ToString().ToLowerInvariant()})", refresh);

    /// <summary>The API's base for links: <c>/api</c> in both hosts.</summary>
    private static string ApiBase(string root) => "/api";

    private static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">";

    private static string Badge(string status)
    {
        var kind = status switch
        {
            "failed" or "apply_failed" or "apply_interrupted" or "apply_blocked" => " bad",
            "planned" or "applied" => " good",
            _ => "",
        };
        return $"<span class=\"badge{kind}\">{E(status.Replace('_', ' '))}</span>";
    }

    private static string Count(int? n) => n is { } v ? v.ToString(CultureInfo.InvariantCulture) : "–";

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    private static string Anchor(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());

    private static string TriggerWord(string trigger) => trigger switch { "pull_request" => "pull request", "schedule" => "drift", _ => trigger };

    private static string ApprovalWord(string source) => source switch { "review" => "a review", "comment" => "a comment", "link" => "an approval link", _ => source };

    private static string Age(double seconds) => seconds switch
    {
        < 60 => $"{seconds:0} s",
        < 3600 => $"{seconds / 60:0} min",
        _ => $"{seconds / 3600:0.#} h",
    };
}
