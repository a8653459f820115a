using Microsoft.Playwright;

namespace TerraFlow.Integration.Tests.ConsolePages;

/// <summary>
/// Playwright for .NET driving Debian's <c>chromium</c> package (<c>.ci/run</c> installs it): Playwright's own browser
/// download cannot work on these machines. No chromium is a test failure with the fix in the message, never a skip.
/// <c>TERRAFLOW_CHROMIUM</c> names another executable.
/// </summary>
internal static class Chromium
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("TERRAFLOW_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            Assert.Fail($"The browser tests need Chromium at {ExecutablePath}: run `apt-get install -y chromium` (.ci/run does), or set TERRAFLOW_CHROMIUM to a Chromium executable.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
        return (playwright, browser);
    }

    /// <summary>Screenshots are test artifacts: <c>screenshots/</c> in the test output folder.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
}
