using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.ConsolePages;

/// <summary>
/// The console in a real browser (Playwright + Debian's chromium) against the real host, runner, PostgreSQL and the
/// GitHub stand-in (its OAuth web flow signs people in): an operator signs in, opens the runs list, a run and its
/// plan, releases a lock (the next pull request is re-planned); a viewer is refused with a 403 page; someone without
/// access to the repository sees nothing of it, by page or API. Each page is saved as a screenshot.
/// </summary>
public sealed class ConsolePagesBrowserTests
{
    private const string Operator = "alice";
    private const string Viewer = "rita";
    private const string Outsider = "mallory";

    [Fact]
    public async Task Operator_reads_runs_and_plans_and_releases_a_lock_viewer_is_refused_outsider_sees_nothing()
    {
        await using var bed = await LifecycleBed.StartAsync("console_browser");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, Operator, "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, Viewer, "read");
        using var repo = new TwoProjectRepo();
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network")).Write("app/.standin/behavior.json", bed.Behavior("app"));
        var head = repo.Git.Commit("count applies");
        await bed.OpenAsync(7, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(7, "network", "planned");
        await bed.WaitForProjectStatusAsync(7, "app", "planned");
        // #8 changes network too: it waits behind #7's lock.
        repo.Git.Git("checkout", "-q", repo.BaseSha);
        repo.Git.Checkout("second", create: true);
        repo.Git.Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"firewall\" {}\n")
                .Write("network/.standin/behavior.json", bed.Behavior("network"));
        var second = repo.Git.Commit("second change to network");
        await bed.OpenAsync(8, second, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(8, "network", "waiting_for_lock");
        var run7 = await bed.ScalarAsync("select max(id) from runs where pr_number = 7");

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        // ---- the operator ----
        var page = await SignInAsync(browser, bed, Operator, "/console/runs", screenshot: true);
        Assert.EndsWith("/console/runs", new Uri(page.Url).AbsolutePath);
        await Chromium.ScreenshotAsync(page, "runs");
        var rows = page.Locator("main table tbody tr");
        Assert.True(await rows.CountAsync() >= 2, "the runs list shows both pull requests' runs");
        Assert.Equal(1, await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).CountAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Main).CountAsync());

        // Filter by pull request, then open #7's run.
        await page.GetByLabel("Pull request", new() { Exact = true }).FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("pull_request=7", StringComparison.Ordinal));
        Assert.Equal(1, await page.Locator("main table tbody tr").CountAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = $"#{run7}", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith($"/console/runs/{run7}", StringComparison.Ordinal));
        Assert.Equal($"Run #{run7}", await page.Locator("h1").InnerTextAsync());

        // The plan is collapsed until opened, and is the masked plan text the API serves.
        var plan = page.Locator("details", new() { Has = page.GetByText("Plan of network", new() { Exact = true }) }).Locator("pre");
        Assert.False(await plan.IsVisibleAsync());
        await page.GetByText("Plan of network", new() { Exact = true }).ClickAsync();
        Assert.True(await plan.IsVisibleAsync());
        var apiPlan = await page.Context.APIRequest.GetAsync($"{bed.PublicUrl}/api/runs/{run7}/projects/network/plan");
        Assert.Equal(200, apiPlan.Status);
        var planText = JsonDocument.Parse(await apiPlan.TextAsync()).RootElement.GetProperty("text").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(planText));
        Assert.Equal(Normalize(planText), Normalize(await plan.InnerTextAsync()));
        // The audit timeline shows every event the API has for the run.
        var events = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync($"{bed.PublicUrl}/api/runs/{run7}/events")).TextAsync()).RootElement;
        Assert.True(events.GetArrayLength() > 0);
        Assert.Equal(events.GetArrayLength(), await page.Locator("section", new() { Has = page.Locator("#audit") }).Locator("tbody tr").CountAsync());
        await Chromium.ScreenshotAsync(page, "run");

        // Locks & queues: #7 holds network, #8 waits; the operator releases it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Locks & queues" }).ClickAsync();
        var networkRow = page.Locator("main table tbody tr", new() { Has = page.Locator("code", new() { HasText = "network" }) });
        Assert.Contains("#7", await networkRow.Locator("td").Nth(3).InnerTextAsync());
        Assert.Contains("#8", await networkRow.Locator("td").Nth(5).InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "locks");
        await networkRow.GetByRole(AriaRole.Link, new() { Name = "Release the lock on network" }).ClickAsync();
        Assert.Equal("Release a lock?", await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "release-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Release the lock" }).ClickAsync();
        Assert.Equal("Lock released", await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "released");

        // Exactly what `terraflow unlock -p network` does: #7 is told, the release is audited, #8 is re-planned and holds the lock.
        await bed.WaitForCommentAsync(7, "released the lock of `network`");
        await bed.WaitForProjectStatusAsync(8, "network", "planned");
        Assert.Equal(8, await bed.ScalarAsync("select pr_number from project_locks where lock_key = 'network::default'"));
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from audit_events where run_id = {run7} and action = 'unlocked' and actor like '{Operator} (github, console)'"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Health" }).ClickAsync();
        Assert.Equal("Health", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("queued", await page.Locator("main dl").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "health");

        // ---- the viewer: reads, but releasing is refused with a 403 page ----
        var viewer = await SignInAsync(browser, bed, Viewer, "/console/locks");
        var viewerRow = viewer.Locator("main table tbody tr", new() { Has = viewer.Locator("code", new() { HasText = "network" }) });
        Assert.Contains("#8", await viewerRow.InnerTextAsync());
        Assert.Equal(0, await viewerRow.GetByRole(AriaRole.Link).CountAsync());
        var refused = await viewer.GotoAsync($"{bed.PublicUrl}/console/locks/release?provider=github&repository={Owner}%2F{Repo}&dir=network&workspace=default&pull_request=8");
        Assert.Equal(403, refused!.Status);
        Assert.Equal("Not allowed", await viewer.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(viewer, "forbidden");
        Assert.Equal(8, await bed.ScalarAsync("select pr_number from project_locks where lock_key = 'network::default'"));

        // ---- someone who cannot read the repository: none of its runs, plans or locks, by page or API ----
        var outsider = await SignInAsync(browser, bed, Outsider, "/console/runs");
        Assert.Equal(0, await outsider.Locator("main table tbody tr").CountAsync());
        Assert.Contains("No runs to show", await outsider.Locator("main").InnerTextAsync());
        var api = outsider.Context.APIRequest;
        var list = JsonDocument.Parse(await (await api.GetAsync($"{bed.PublicUrl}/api/runs")).TextAsync()).RootElement;
        Assert.Equal(0, list.GetProperty("runs").GetArrayLength());
        Assert.Equal(0, JsonDocument.Parse(await (await api.GetAsync($"{bed.PublicUrl}/api/locks")).TextAsync()).RootElement.GetArrayLength());
        foreach (var path in new[] { $"/api/runs/{run7}", $"/api/runs/{run7}/events", $"/api/runs/{run7}/projects/network/plan", $"/console/runs/{run7}" })
            Assert.Equal(404, (await api.GetAsync(bed.PublicUrl + path)).Status);
        await outsider.GotoAsync($"{bed.PublicUrl}/console/locks");
        Assert.Contains("No project is locked", await outsider.Locator("main").InnerTextAsync());
        var operatorList = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync($"{bed.PublicUrl}/api/runs?pull_request=8")).TextAsync()).RootElement;
        Assert.True(operatorList.GetProperty("runs").GetArrayLength() >= 1, "the same API lists the runs to someone who can read the repository");
    }

    /// <summary>Signs <paramref name="login"/> in through the GitHub stand-in's OAuth web flow, starting from a console page.</summary>
    private static async Task<IPage> SignInAsync(IBrowser browser, LifecycleBed bed, string login, string path, bool screenshot = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        bed.Fake.OAuthSignedInUser = login;
        // Not signed in: the console sends the browser to the sign-in page, which offers GitHub.
        await page.GotoAsync(bed.PublicUrl + path);
        Assert.Equal(TerraFlow.Functions.Console.ConsoleResponses.SignInPath, new Uri(page.Url).AbsolutePath);
        if (screenshot) await Chromium.ScreenshotAsync(page, "sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with GitHub" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == path, new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            await Chromium.ScreenshotAsync(page, "sign-in-failed-" + login);
            Assert.Fail($"signing {login} in did not return to {path}: the browser is at {page.Url}, showing: {await page.ContentAsync()}");
        }
        Assert.Contains(login, await page.Locator("header").InnerTextAsync());
        return page;
    }

    private static string Normalize(string text) => string.Join('\n', text.Replace("\r", "").Split('\n').Select(l => l.TrimEnd())).Trim();
}
