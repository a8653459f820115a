using System.Globalization;
using System.Text;
using TerraFlow.Application.Access;
using TerraFlow.Application.Drift;
using TerraFlow.Functions.Api;
using static TerraFlow.Functions.Approvals.HtmlPage;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The drift page (<c>/console/drift</c>; <c>/api/console/drift</c> under the Functions host): every project the user
/// can read with its last drift check (drifted / failed / clean / never, first detected, last checked, the check's run,
/// schedule, configuration error, lock holder), problems first and the newest problem on top. Operators of a
/// repository get "Check now": a POST with the session's anti-forgery token that starts a check (as
/// <c>POST /api/projects/{id}/drift</c> does) and comes back here with a notice. Server-rendered, no script.
/// </summary>
internal static class ConsoleDriftPage
{
    public static IEndpointRouteBuilder MapConsoleDrift(this IEndpointRouteBuilder app)
    {
        foreach (var root in new[] { ConsolePages.CanonicalRoot, ConsolePages.ConvenienceRoot })
        {
            app.MapGet(root + "/drift", PageAsync).RequireAuthorization(ConsolePolicies.SignedIn);
            app.MapPost(root + "/drift", CheckNowAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
        }
        return app;
    }

    internal static async Task<IResult> PageAsync(HttpContext ctx, DriftReader drift, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        var visible = await drift.OverviewAsync(user, ct);
        var html = new StringBuilder();
        html.Append(Notice(ctx.Request.Query, visible, root));
        if (visible.Projects.Count == 0)
        {
            html.Append("<p>No projects to show. Projects of repositories you cannot read on the VCS host are not listed; a repository's projects " +
                        "appear once TerraFlow has read its default branch's configuration.</p>");
            return ConsolePages.Page(ctx, StatusCodes.Status200OK, "Drift", html.ToString(), user);
        }

        var states = visible.Projects.GroupBy(p => p.Project.State).ToDictionary(g => g.Key, g => g.Count());
        int N(string state) => states.TryGetValue(state, out var n) ? n : 0;
        html.Append($"<p>{N("drifted")} drifted, {N("failed")} failed, {N("clean")} clean, {N("never")} never checked. " +
                    "<span class=\"note\">A check plans the default branch's head with refresh (<code>terraform plan -detailed-exitcode</code>) and never applies.</span></p>");

        var broken = visible.Repositories.Where(r => r.ConfigError is not null).ToList();
        if (broken.Count > 0)
        {
            html.Append("<section aria-labelledby=\"config\"><h2 id=\"config\">Configuration errors</h2><ul>");
            foreach (var r in broken)
                html.Append($"<li>{E(r.Repository)} <span class=\"note\">({E(r.Provider)})</span>: <span class=\"problem\">{E(r.ConfigError)}</span>" +
                            (r.ConfigCheckedAt is { } at ? $" <span class=\"note\">read {E(ConsoleRequest.Time(at))}</span>" : "") +
                            " <span class=\"note\">— the last good schedule keeps running until the default branch is fixed.</span></li>");
            html.Append("</ul></section>");
        }

        html.Append("<div class=\"table\"><table><caption class=\"note\">Problems first (drifted, failed, configuration errors), newest first</caption><thead><tr>" +
                    "<th scope=\"col\">Project</th><th scope=\"col\">Repository</th><th scope=\"col\">State</th><th scope=\"col\">First detected</th>" +
                    "<th scope=\"col\">Last checked</th><th scope=\"col\">Run</th><th scope=\"col\">Schedule</th><th scope=\"col\">Lock holder</th>" +
                    "<th scope=\"col\">Problem</th><th scope=\"col\"><span class=\"note\">Action</span></th></tr></thead><tbody>");
        foreach (var (p, level) in Ordered(visible.Projects).Select(v => (v.Project, v.Access)))
        {
            html.Append($"<tr><th scope=\"row\">{E(p.Project)}<br><span class=\"note\"><code>{E(p.Dir)}</code> · {E(p.Workspace)}</span></th>")
                .Append($"<td>{E(p.Repository)} <span class=\"note\">({E(p.Provider)})</span></td>")
                .Append($"<td>{StateBadge(p.State)}{(p.Counts is { } c && p.State == "drifted" ? $"<br><span class=\"note\">{c.Add} to add, {c.Change} to change, {c.Replace} to replace, {c.Destroy} to destroy</span>" : "")}</td>")
                .Append($"<td>{Time(p.FirstDetectedAt)}</td><td>{Time(p.LastCheckedAt)}</td>")
                .Append($"<td>{(p.LastRunId is { } run ? $"<a href=\"{E(root)}/runs/{run}\">#{run}</a>" : "<span class=\"note\">–</span>")}")
                .Append(p.RunningRunId is { } running ? $"<br><span class=\"note\">checking: <a href=\"{E(root)}/runs/{running}\">#{running}</a></span>" : "")
                .Append("</td>")
                .Append($"<td>{Schedule(p)}</td>")
                .Append($"<td>{(p.LockHolder is null ? "<span class=\"note\">–</span>" : E(p.LockHolder))}</td>")
                .Append($"<td>{Problem(p)}</td>")
                .Append($"<td>{Action(ctx, root, p, level)}</td></tr>");
        }
        html.Append("</tbody></table></div><p><a href=\"/api/drift\">This page as JSON</a></p>");
        return ConsolePages.Page(ctx, StatusCodes.Status200OK, "Drift", html.ToString(), user);
    }

    internal static async Task<IResult> CheckNowAsync(HttpContext ctx, DriftReader drift, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var root = ConsoleRequest.Root(ctx);
        if (!ctx.Request.HasFormContentType)
            return ConsolePages.Page(ctx, StatusCodes.Status400BadRequest, "Check now", "<p class=\"problem\">Send the form from the drift page.</p>", user);
        // The standalone route's filter checked it already; the worker's function has no filters.
        if (await ConsoleAntiForgery.CheckAsync(ctx, ct) is { } refused) return refused;
        var form = await ctx.Request.ReadFormAsync(ct);
        if (!long.TryParse(form["project"], NumberStyles.None, CultureInfo.InvariantCulture, out var projectId) || projectId <= 0)
            return ConsolePages.Page(ctx, StatusCodes.Status400BadRequest, "Check now", "<p class=\"problem\">The form does not name a project.</p>", user);
        var start = await drift.StartAsync(user, projectId, ct);
        var back = $"<p><a href=\"{E(root)}/drift\">Drift</a></p>";
        return start.Outcome switch
        {
            DriftStartOutcome.Started => Results.Redirect($"{root}/drift?started={projectId}&run={start.RunId}"),
            DriftStartOutcome.Forbidden => ConsolePages.Page(ctx, StatusCodes.Status403Forbidden, "Not allowed",
                "<p>Starting a drift check needs the operator role: write permission on the repository, or being named in <code>TerraFlow__Auth__Operators</code>.</p>" + back, user),
            _ => ConsolePages.Page(ctx, StatusCodes.Status404NotFound, "Not started",
                "<p>That project does not exist, you cannot read its repository, or its repository's clone URL is not known yet.</p>" + back, user),
        };
    }

    /// <summary>Drifted, failed and misconfigured projects first (the newest problem on top), then never checked, then clean.</summary>
    internal static IEnumerable<VisibleDriftProject> Ordered(IEnumerable<VisibleDriftProject> projects) => projects
        .OrderBy(v => v.Project.State is "drifted" or "failed" || v.Project.ConfigError is not null ? 0 : v.Project.State == "never" ? 1 : 2)
        .ThenByDescending(v => v.Project.LastCheckedAt ?? DateTimeOffset.MinValue)
        .ThenBy(v => v.Project.Repository, StringComparer.OrdinalIgnoreCase)
        .ThenBy(v => v.Project.Project, StringComparer.Ordinal);

    private static string Notice(IQueryCollection q, VisibleDrift visible, string root)
    {
        if (!long.TryParse(q["started"], NumberStyles.None, CultureInfo.InvariantCulture, out var projectId) ||
            !long.TryParse(q["run"], NumberStyles.None, CultureInfo.InvariantCulture, out var runId)) return "";
        // Only a project this user can read is named (the query string is not trusted).
        var project = visible.Projects.FirstOrDefault(v => v.Project.ProjectId == projectId)?.Project;
        if (project is null) return "";
        return $"<p class=\"notice\" role=\"status\">Drift check of <strong>{E(project.Project)}</strong> in {E(project.Repository)} started: " +
               $"<a href=\"{E(root)}/runs/{runId}\">run #{runId}</a>. Its result shows here when the runner is done.</p>";
    }

    private static string Action(HttpContext ctx, string root, DriftProjectView p, RepositoryAccessLevel level) =>
        level < RepositoryAccessLevel.Operate ? "<span class=\"note\">–</span>"
        : $"<form class=\"inline\" method=\"post\" action=\"{E(root)}/drift\">{ConsoleAntiForgery.HiddenField(ctx)}" +
          $"<input type=\"hidden\" name=\"project\" value=\"{p.ProjectId.ToString(CultureInfo.InvariantCulture)}\">" +
          $"<button type=\"submit\" aria-label=\"Check {E(p.Project)} of {E(p.Repository)} now\">Check now</button></form>";

    private static string StateBadge(string state) => state switch
    {
        "drifted" => "<span class=\"badge bad\">drifted</span>",
        "failed" => "<span class=\"badge bad\">check failed</span>",
        "clean" => "<span class=\"badge good\">clean</span>",
        _ => $"<span class=\"badge\">{(state == "never" ? "never checked" : E(state))}</span>",
    };

    private static string Schedule(DriftProjectView p)
    {
        if (p.Schedule is null) return "<span class=\"note\">off</span>";
        var s = $"<code>{E(p.Schedule)}</code> {E(p.TimeZone ?? "UTC")}";
        if (p.WindowSeconds > 0) s += $"<br><span class=\"note\">spread over {E(Window(p.WindowSeconds))}</span>";
        if (p.NextDueAt is { } next) s += $"<br><span class=\"note\">next {E(ConsoleRequest.Time(next))}</span>";
        return s;
    }

    private static string Problem(DriftProjectView p)
    {
        var parts = new List<string>();
        if (p.State == "failed" && p.Failure is not null) parts.Add($"<span class=\"problem\">{E(p.Failure)}</span>");
        if (p.ConfigError is not null) parts.Add($"<span class=\"problem\">Configuration: {E(p.ConfigError)}</span>");
        return parts.Count == 0 ? "<span class=\"note\">–</span>" : string.Join("<br>", parts);
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? E(ConsoleRequest.Time(t)) : "<span class=\"note\">–</span>";

    private static string Window(int seconds) => seconds % 3600 == 0 ? $"{seconds / 3600} h" : seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";
}
