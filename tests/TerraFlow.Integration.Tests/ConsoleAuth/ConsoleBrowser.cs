using System.Net;
using System.Text.RegularExpressions;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// A browser for console sign-in: one cookie jar across TerraFlow and the VCS stand-in, redirects followed one hop at a
/// time so each answer (and its Set-Cookie) can be inspected.
/// </summary>
internal sealed partial class ConsoleBrowser : CookieJarBrowser
{
    /// <summary>Follows redirects from <paramref name="url"/>; every hop's URL and answer.</summary>
    public Task<List<(Uri Url, HttpResponseMessage Response, string Body)>> FollowAsync(string url, int maxHops = 6) => HopsAsync(url, maxHops);

    /// <summary>The console session cookie's value in the jar (null when none).</summary>
    public string? SessionCookie(string baseUrl) => Cookies.GetCookies(new Uri(baseUrl))[ConsoleSessions.CookieName]?.Value;

    public static string? AntiForgery(string html) => Field().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("name=\"terraflow_csrf\" value=\"([^\"]*)\"")]
    private static partial Regex Field();

}
