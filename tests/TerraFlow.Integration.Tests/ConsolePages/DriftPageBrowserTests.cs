using Microsoft.Playwright;
using TerraFlow.Application.Access;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.Drift;

namespace TerraFlow.Integration.Tests.ConsolePages;

/// <summary>
/// The drift page in a real browser (Playwright + Debian's chromium) against the real host, runner, PostgreSQL and the
/// GitHub stand-in: after real checks (drifted, failing init, clean) an operator sees every project with its state,
/// problems first, and starts a check with "Check now" (a POST with the anti-forgery token, back with a notice); a
/// reader sees the same rows without the button; someone who cannot read the repository sees none of its projects.
/// The pages are saved as screenshots (<c>drift.png</c>, <c>drift-started.png</c>).
/// </summary>
public sealed class DriftPageBrowserTests
{
    [Fact]
    public async Task Operator_sees_problems_first_and_checks_now_reader_has_no_button_outsider_sees_nothing()
    {
        await using var bed = await DriftTestBed.StartAsync("  schedule: \"0 6 * * *\"\n  timezone: Europe/Berlin\n", database: "drift_page");
        bed.GitHub.SetCollaboratorPermission(DriftTestBed.Owner, DriftTestBed.Name, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(DriftTestBed.Owner, DriftTestBed.Name, "rita", "read");
        await bed.ReportedAsync(await bed.StartCheckAsync("clean"));
        await bed.ReportedAsync(await bed.StartCheckAsync("broken"));
        var drifted = await bed.ReportedAsync(await bed.StartCheckAsync("drifted"));

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        // ---- the operator ----
        var page = await OpenAsync(browser, bed, "alice");
        Assert.Equal("Drift", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "Drift" }).CountAsync());
        var rows = page.Locator("main table tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        // Problems first, the newest on top: drifted (checked last), then broken (failed), then clean.
        Assert.StartsWith("drifted", await rows.Nth(0).Locator("th").InnerTextAsync());
        Assert.Contains("drifted", await rows.Nth(0).Locator("td").Nth(1).InnerTextAsync());
        Assert.Contains($"#{drifted.RunId}", await rows.Nth(0).Locator("td").Nth(4).InnerTextAsync());
        Assert.Contains("0 6 * * *", await rows.Nth(0).Locator("td").Nth(5).InnerTextAsync());
        Assert.Contains("Europe/Berlin", await rows.Nth(0).Locator("td").Nth(5).InnerTextAsync());
        Assert.StartsWith("broken", await rows.Nth(1).Locator("th").InnerTextAsync());
        Assert.Contains("check failed", await rows.Nth(1).Locator("td").Nth(1).InnerTextAsync());
        Assert.Contains("scripted init failure", await rows.Nth(1).Locator("td").Nth(7).InnerTextAsync());
        Assert.StartsWith("clean", await rows.Nth(2).Locator("th").InnerTextAsync());
        Assert.Contains("clean", await rows.Nth(2).Locator("td").Nth(1).InnerTextAsync());
        Assert.Contains("1 drifted, 1 failed, 1 clean, 0 never checked", await page.Locator("main").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "drift");

        // The run link opens the console's run page of the check.
        await rows.Nth(0).GetByRole(AriaRole.Link, new() { Name = $"#{drifted.RunId}", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith($"/console/runs/{drifted.RunId}", StringComparison.Ordinal));
        await page.GoBackAsync();

        // Check now: a POST with the anti-forgery token, then back to the page with a notice.
        var before = await DriftCheckTests.Scalar(bed.Host.Database, "select count(*) from drift_checks where trigger_kind = 'manual'");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Check clean of {DriftTestBed.Owner}/{DriftTestBed.Name} now" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/console/drift?started=", StringComparison.Ordinal));
        var notice = await page.GetByRole(AriaRole.Status).InnerTextAsync();
        Assert.Contains("Drift check of clean in acme/infra started", notice);
        Assert.Equal(before + 1, await DriftCheckTests.Scalar(bed.Host.Database, "select count(*) from drift_checks where trigger_kind = 'manual'"));
        await Chromium.ScreenshotAsync(page, "drift-started");

        // ---- a reader: the same rows, no button ----
        var reader = await OpenAsync(browser, bed, "rita");
        Assert.Equal(3, await reader.Locator("main table tbody tr").CountAsync());
        Assert.Equal(0, await reader.GetByRole(AriaRole.Button, new() { Name = "Check clean of acme/infra now" }).CountAsync());

        // ---- someone who cannot read acme/infra ----
        var outsider = await OpenAsync(browser, bed, "mallory");
        Assert.Equal(0, await outsider.Locator("main table tbody tr").CountAsync());
        Assert.Contains("No projects to show", await outsider.Locator("main").InnerTextAsync());
    }

    /// <summary>Opens the drift page in a fresh browser context signed in as <paramref name="login"/> (a real session cookie of the host).</summary>
    private static async Task<IPage> OpenAsync(IBrowser browser, DriftTestBed bed, string login)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var cookie = await bed.Host.SessionCookieAsync(new ConsoleUser("github", login, login, ConsoleRole.Viewer, []));
        await context.AddCookiesAsync([new Cookie { Name = ConsoleSessions.CookieName, Value = cookie, Url = bed.Host.BaseUrl }]);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(bed.Host.BaseUrl + "/console/drift");
        Assert.Equal(200, response!.Status);
        return page;
    }
}
