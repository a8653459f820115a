using System.Net;
using System.Text.RegularExpressions;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>
/// A browser for the approval flow: one cookie jar across TerraFlow and the fake GitHub, redirects followed one at a
/// time so each hop can be inspected.
/// </summary>
internal sealed partial class ApprovalBrowser : CookieJarBrowser
{
    /// <summary>Follows redirects from <paramref name="url"/> until a non-redirect answer; returns every hop's URL.</summary>
    public Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> FollowAsync(string url, int maxHops = 6) => FinalAsync(url, maxHops);

    /// <summary>Signs in through the fake GitHub by opening the link's sign-in page; returns the final page.</summary>
    public async Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> SignInAsync(string link) => await FollowAsync(link + "/sign-in");

    public static string? AntiForgery(string html) => AntiForgeryPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("name=\"terraflow_antiforgery\" value=\"([^\"]*)\"")]
    private static partial Regex AntiForgeryPattern();

}
