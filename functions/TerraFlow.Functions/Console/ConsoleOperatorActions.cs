using System.Globalization;
using System.Text.Json;
using TerraFlow.Application.Access;
using TerraFlow.Application.Queries;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Vcs;
using TerraFlow.Functions.Api;
using static TerraFlow.Functions.Approvals.HtmlPage;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The console's operator actions besides releasing a lock: re-plan a pull request's run (a button on the run page) and
/// cancel a queued pull request (confirm page from the locks page), each also as JSON for automation with an
/// operate-scoped API token (<c>POST /api/runs/{id}/replan</c>, <c>POST /api/locks/cancel</c>). Every route needs
/// <see cref="ConsolePolicies.Operate"/>, operate access to the repository and, for a session cookie, the anti-forgery
/// token (API-token requests carry none). The work itself is the application's: <see cref="ConsoleReplan"/> queues the
/// <c>terraflow plan</c> command of the operator, <see cref="ConsoleQueueCancel"/> decides the queue cancel.
/// </summary>
internal static class ConsoleOperatorActions
{
    public static IEndpointRouteBuilder MapConsoleOperatorActions(this IEndpointRouteBuilder app)
    {
        foreach (var root in new[] { ConsolePages.CanonicalRoot, ConsolePages.ConvenienceRoot })
        {
            app.MapPost(root + "/runs/{id:long}/replan", ReplanPageAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
            app.MapGet(root + "/locks/cancel", ConfirmCancelAsync).RequireAuthorization(ConsolePolicies.Operate);
            app.MapPost(root + "/locks/cancel", CancelPageAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
        }
        app.MapPost("/api/runs/{id:long}/replan", ReplanApiAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
        app.MapPost("/api/locks/cancel", CancelApiAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
        return app;
    }

    // ---- re-plan ----

    /// <summary>The run page's re-plan form (all projects, or one), for a user who may operate an open pull request's run.</summary>
    public static string ReplanForm(HttpContext ctx, ConsoleRunPage page)
    {
        var run = page.Run;
        if (page.Access < RepositoryAccessLevel.Operate || run.PullRequest <= 0 || run.Status == "closed") return "";
        var options = string.Concat(run.Projects.Select(p => $"<option value=\"{E(p.Name)}\">{E(p.Name)}</option>"));
        return $"<section aria-labelledby=\"replan\"><h2 id=\"replan\">Re-plan</h2>" +
               $"<form method=\"post\" action=\"{E(ConsoleRequest.Root(ctx))}/runs/{run.Id}/replan\">" + ConsoleAntiForgery.HiddenField(ctx) +
               $"<label for=\"replan-project\">Project<select id=\"replan-project\" name=\"project\"><option value=\"\">every project</option>{options}</select></label> " +
               "<button type=\"submit\">Re-plan</button>" +
               $"<p class=\"note\">The same as commenting <code>terraflow plan</code> on #{run.PullRequest} as yourself: your write permission is checked, the pull request gets a new run.</p></form></section>";
    }

    internal static async Task<IResult> ReplanPageAsync(long id, HttpContext ctx, ConsoleReader reader, IRepositoryAccess access, ConsoleReplan replan, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        if (!ctx.Request.HasFormContentType)
            return Page(ctx, StatusCodes.Status400BadRequest, "Re-plan", "<p class=\"problem\">Send the form from the run page.</p>", user);
        // The standalone route's filter checked it already; the worker's function has no filters.
        if (await ConsoleAntiForgery.CheckAsync(ctx, ct) is { } refused) return refused;
        var form = await ctx.Request.ReadFormAsync(ct);
        var project = string.IsNullOrEmpty(form["project"]) ? null : form["project"].ToString();
        var back = $"<p><a href=\"{E(root)}/runs/{id}\">Run #{id}</a></p>";
        var (status, text) = await ReplanAsync(id, project, user, reader, access, replan, ct);
        return status switch
        {
            StatusCodes.Status202Accepted => Page(ctx, status, "Re-plan queued", $"<p role=\"status\">{E(text)}</p>{back}", user),
            StatusCodes.Status403Forbidden => Page(ctx, status, "Not allowed", $"<p>{E(text)}</p>{back}", user),
            _ => Page(ctx, status, "Not re-planned", $"<p class=\"problem\">{E(text)}</p>{back}", user),
        };
    }

    internal static async Task<IResult> ReplanApiAsync(long id, HttpContext ctx, ConsoleReader reader, IRepositoryAccess access, ConsoleReplan replan, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        if (await ConsoleAntiForgery.CheckAsync(ctx, ct) is { } refused) return refused;
        if (await ReadJsonAsync<ReplanBody>(ctx, ct) is not { } body || body.Project is { Length: > 200 })
            return Results.Json(new { error = "the body must be empty or {\"project\": \"name\"}" }, statusCode: StatusCodes.Status400BadRequest);
        var (status, text) = await ReplanAsync(id, string.IsNullOrEmpty(body.Project) ? null : body.Project, user, reader, access, replan, ct);
        return Results.Json(status == StatusCodes.Status202Accepted ? new { queued = true, message = text } : new { queued = false, message = text }, statusCode: status);
    }

    private static async Task<(int Status, string Text)> ReplanAsync(long id, string? project, ConsoleUser user, ConsoleReader reader, IRepositoryAccess access, ConsoleReplan replan, CancellationToken ct)
    {
        // A run the user cannot read is answered like a missing one; one they can read but not operate is a 403.
        if (await reader.RunAsync(user, id, ct) is not { } run) return (StatusCodes.Status404NotFound, $"Run {id} does not exist, or you cannot read its repository.");
        var (owner, name) = ConsoleReader.SplitRepository(run.Repository);
        if (await access.AccessAsync(user, new RepositoryKey(run.Provider, owner, name), ct) < RepositoryAccessLevel.Operate)
            return (StatusCodes.Status403Forbidden, "Re-planning needs the operator role: write permission on the repository, or being named in TerraFlow__Auth__Operators.");
        // The plan command acts as the operator on the VCS host (its write permission is checked there, as for a comment).
        if (user.IdentityProvider != run.Provider)
            return (StatusCodes.Status409Conflict, $"Re-planning acts as your {run.Provider} user, like a `terraflow plan` comment: sign in with {run.Provider} to re-plan this run.");
        var outcome = await replan.ReplanAsync(id, project, user.Login, AuditActor(user), ct);
        return outcome switch
        {
            ReplanOutcome.Queued => (StatusCodes.Status202Accepted,
                $"Re-plan of {(project is null ? "every project" : project)} of {run.Repository}#{run.PullRequest} queued as `terraflow plan` by {user.Login}."),
            ReplanOutcome.NotPullRequest => (StatusCodes.Status409Conflict, $"Run {id} is not a pull request's run (a drift check or manual run): there is nothing to re-plan."),
            ReplanOutcome.Closed => (StatusCodes.Status409Conflict, $"{run.Repository}#{run.PullRequest} is closed or merged: it cannot be planned again."),
            _ => (StatusCodes.Status404NotFound, $"Run {id} does not exist."),
        };
    }

    // ---- cancel a queued pull request ----

    /// <summary>The locks page's cancel link for one waiter, for a user who may operate the repository.</summary>
    public static string CancelLink(HttpContext ctx, HeldLock l, LockWaiter w, RepositoryAccessLevel level) =>
        level < RepositoryAccessLevel.Operate ? "" :
            $" <a class=\"button\" href=\"{E(ConsoleRequest.Root(ctx))}/locks/cancel{E(CancelQuery(l, w.PullRequest))}\" " +
            $"aria-label=\"Take #{w.PullRequest} out of the queue for {E(l.Dir)} ({E(l.Workspace)})\">Cancel…</a>";

    internal static async Task<IResult> ConfirmCancelAsync(HttpContext ctx, ConsoleReader reader, IRepositoryAccess access, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        var q = ctx.Request.Query;
        if (QueueTarget.From(q["provider"], q["repository"], q["dir"], q["workspace"], q["pull_request"]) is not { } target)
            return Page(ctx, StatusCodes.Status400BadRequest, "Cancel a queued pull request", "<p class=\"problem\">This link does not name a queued pull request.</p>", user);
        if (await DeniedPageAsync(ctx, access, user, target.Provider!, target.Repository, ct) is { } denied) return denied;
        if ((await reader.LocksAsync(user, ct)).FirstOrDefault(target.Matches) is not { } held)
            return Page(ctx, StatusCodes.Status404NotFound, "Cancel a queued pull request", $"<p>#{target.PullRequest} is not waiting for that lock (any more).</p><p><a href=\"{E(root)}/locks\">Locks &amp; queues</a></p>", user);
        var html = $"<dl><dt>Repository</dt><dd>{E(held.Repository)}</dd><dt>Dir</dt><dd><code>{E(held.Dir)}</code></dd><dt>Workspace</dt><dd>{E(held.Workspace)}</dd>" +
                   $"<dt>Held by</dt><dd>#{held.PullRequest}</dd><dt>Waiting</dt><dd>#{target.PullRequest}</dd></dl>" +
                   $"<p>#{target.PullRequest} leaves the queue: its waiting project is cancelled and it is told who cancelled it. #{held.PullRequest} keeps the lock. " +
                   "A <code>terraflow plan</code> comment queues it again.</p>" +
                   $"<form method=\"post\" action=\"{E(root)}/locks/cancel\">" + ConsoleAntiForgery.HiddenField(ctx) +
                   Hidden("provider", held.Provider) + Hidden("repository", held.Repository) + Hidden("dir", held.Dir) + Hidden("workspace", held.Workspace) +
                   Hidden("pull_request", target.PullRequest.ToString(CultureInfo.InvariantCulture)) +
                   $"<button type=\"submit\" class=\"danger\">Take #{target.PullRequest} out of the queue</button> <a href=\"{E(root)}/locks\">Back</a></form>";
        return Page(ctx, StatusCodes.Status200OK, "Cancel a queued pull request?", html, user);
    }

    internal static async Task<IResult> CancelPageAsync(HttpContext ctx, ConsoleReader reader, IRepositoryAccess access, ConsoleQueueCancel cancel, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        if (!ctx.Request.HasFormContentType)
            return Page(ctx, StatusCodes.Status400BadRequest, "Cancel a queued pull request", "<p class=\"problem\">Send the form from the confirm page.</p>", user);
        if (await ConsoleAntiForgery.CheckAsync(ctx, ct) is { } refused) return refused;
        var form = await ctx.Request.ReadFormAsync(ct);
        if (QueueTarget.From(form["provider"], form["repository"], form["dir"], form["workspace"], form["pull_request"]) is not { } target)
            return Page(ctx, StatusCodes.Status400BadRequest, "Cancel a queued pull request", "<p class=\"problem\">The form does not name a queued pull request.</p>", user);
        var (status, text) = await CancelAsync(target, user, reader, access, cancel, ct);
        var back = $"<p><a href=\"{E(root)}/locks\">Locks &amp; queues</a></p>";
        return status switch
        {
            StatusCodes.Status200OK => Page(ctx, status, "Removed from the queue", $"<p role=\"status\">{E(text)}</p>{back}", user),
            StatusCodes.Status403Forbidden => Page(ctx, status, "Not allowed", $"<p>{E(text)}</p>{back}", user),
            _ => Page(ctx, status, "Not cancelled", $"<p>{E(text)}</p>{back}", user),
        };
    }

    internal static async Task<IResult> CancelApiAsync(HttpContext ctx, ConsoleReader reader, IRepositoryAccess access, ConsoleQueueCancel cancel, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        if (await ConsoleAntiForgery.CheckAsync(ctx, ct) is { } refused) return refused;
        var body = await ReadJsonAsync<CancelBody>(ctx, ct);
        if (body is null || QueueTarget.From(body.Provider, body.Repository, body.Dir, body.Workspace ?? "default",
                body.PullRequest?.ToString(CultureInfo.InvariantCulture), providerOptional: true) is not { } target)
            return Results.Json(new { error = "the body must be {\"repository\": \"owner/name\", \"dir\": \"…\", \"workspace\": \"default\", \"pullRequest\": 8} (\"provider\" optional)" },
                statusCode: StatusCodes.Status400BadRequest);
        var (status, text) = await CancelAsync(target, user, reader, access, cancel, ct);
        return Results.Json(new { cancelled = status == StatusCodes.Status200OK, message = text }, statusCode: status);
    }

    private static async Task<(int Status, string Text)> CancelAsync(QueueTarget target, ConsoleUser user, ConsoleReader reader, IRepositoryAccess access, ConsoleQueueCancel cancel, CancellationToken ct)
    {
        // Only locks the user may read are found: an unreadable repository's queue is answered like a missing one.
        var matches = (await reader.LocksAsync(user, ct)).Where(target.Matches).ToList();
        if (matches.Count == 0) return (StatusCodes.Status404NotFound, $"#{target.PullRequest} is not waiting for that lock (any more).");
        if (matches.Count > 1) return (StatusCodes.Status400BadRequest, "More than one VCS host has that repository: name the provider.");
        var held = matches[0];
        var (owner, name) = ConsoleReader.SplitRepository(held.Repository);
        if (await access.AccessAsync(user, new RepositoryKey(held.Provider, owner, name), ct) < RepositoryAccessLevel.Operate)
            return (StatusCodes.Status403Forbidden, "Cancelling a queued pull request needs the operator role: write permission on the repository, or being named in TerraFlow__Auth__Operators.");
        var outcome = await cancel.CancelAsync(held.Provider, new RepoRef(owner, name), held.Dir, held.Workspace, target.PullRequest, ReplyName(user, held.Provider), AuditActor(user), ct);
        return outcome == QueueCancelOutcome.Cancelled
            ? (StatusCodes.Status200OK, $"#{target.PullRequest} left the queue for {held.Dir} ({held.Workspace}) of {held.Repository}; #{held.PullRequest} keeps the lock.")
            : (StatusCodes.Status404NotFound, $"#{target.PullRequest} is not waiting for that lock (any more).");
    }

    private static string CancelQuery(HeldLock l, int waiter) =>
        $"?provider={Uri.EscapeDataString(l.Provider)}&repository={Uri.EscapeDataString(l.Repository)}&dir={Uri.EscapeDataString(l.Dir)}" +
        $"&workspace={Uri.EscapeDataString(l.Workspace)}&pull_request={waiter.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A pull request waiting in the queue of one lock.</summary>
    private sealed record QueueTarget(string? Provider, string Repository, string Dir, string Workspace, int PullRequest)
    {
        public static QueueTarget? From(string? provider, string? repository, string? dir, string? workspace, string? pr, bool providerOptional = false) =>
            (string.IsNullOrEmpty(provider) && !providerOptional) || string.IsNullOrEmpty(repository) || string.IsNullOrEmpty(dir) || string.IsNullOrEmpty(workspace)
            || !int.TryParse(pr, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0
            || provider?.Length > 40 || repository.Length > 300 || dir.Length > 1000 || workspace.Length > 200
                ? null
                : new QueueTarget(string.IsNullOrEmpty(provider) ? null : provider, repository, dir, workspace, n);

        public bool Matches(HeldLock l) => (Provider is null || l.Provider == Provider) && string.Equals(l.Repository, Repository, StringComparison.OrdinalIgnoreCase)
                                           && l.Dir == Dir && l.Workspace == Workspace && l.Waiters.Any(w => w.PullRequest == PullRequest);
    }

    // ---- helpers ----

    private sealed class ReplanBody
    {
        public string? Project { get; init; }
    }

    private sealed class CancelBody
    {
        public string? Provider { get; init; }
        public string? Repository { get; init; }
        public string? Dir { get; init; }
        public string? Workspace { get; init; }
        public int? PullRequest { get; init; }
    }

    /// <summary>The JSON body, an empty body as a default one, or null when it does not parse.</summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpContext ctx, CancellationToken ct) where T : class, new()
    {
        if (ctx.Request.ContentLength is 0 || (ctx.Request.ContentLength is null && !ctx.Request.HasJsonContentType())) return new T();
        try { return await ctx.Request.ReadFromJsonAsync<T>(ct) ?? new T(); }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>Named on the pull request like a commenter when the user signed in with its VCS host.</summary>
    private static string ReplyName(ConsoleUser user, string provider) => user.IdentityProvider == provider ? user.Login : user.DisplayName;

    /// <summary>The audit actor says the console did it (as the lock release does).</summary>
    private static string AuditActor(ConsoleUser user) => $"{user.Login} ({user.IdentityProvider}, console)";

    private static async Task<IResult?> DeniedPageAsync(HttpContext ctx, IRepositoryAccess access, ConsoleUser user, string provider, string repository, CancellationToken ct)
    {
        var (owner, name) = ConsoleReader.SplitRepository(repository);
        if (await access.AccessAsync(user, new RepositoryKey(provider, owner, name), ct) >= RepositoryAccessLevel.Operate) return null;
        return Page(ctx, StatusCodes.Status403Forbidden, "Not allowed",
            "<p>This needs the operator role: write permission on the repository, or being named in <code>TerraFlow__Auth__Operators</code>.</p>" +
            $"<p><a href=\"{E(ConsoleRequest.Root(ctx))}/locks\">Locks &amp; queues</a></p>", user);
    }

    private static ConsoleLayout Page(HttpContext ctx, int status, string title, string body, ConsoleUser user) =>
        new(status, title, ConsoleRequest.Root(ctx), body, user.Role == ConsoleRole.Viewer ? $"{user.DisplayName} ({user.IdentityProvider})" : $"{user.DisplayName} ({user.IdentityProvider}, {user.Role.ToString().ToLowerInvariant()})");

    private static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">";
}
