using System.Net;
using System.Text.RegularExpressions;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>
/// A browser for the approval flow: one cookie jar across TerraFlow and the fake GitHub, redirects followed one at a
/// time so each hop can be inspected.
/// </summary>
internal sealed partial class ApprovalBrowser : IDisposable
{
    private readonly HttpClient _http;

    public ApprovalBrowser()
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false });
    }

    public CookieContainer Cookies { get; }

    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string url)
    {
        var response = await _http.GetAsync(url);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpResponseMessage Response, string Body)> PostFormAsync(string url, IDictionary<string, string>? form)
    {
        using var content = form is null ? (HttpContent)new StringContent("") : new FormUrlEncodedContent(form);
        var response = await _http.PostAsync(url, content);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Follows redirects from <paramref name="url"/> until a non-redirect answer; returns every hop's URL.</summary>
    public async Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> FollowAsync(string url, int maxHops = 6)
    {
        var hops = new List<Uri> { new(url) };
        for (var i = 0; i < maxHops; i++)
        {
            var (response, body) = await GetAsync(hops[^1].AbsoluteUri);
            if ((int)response.StatusCode is < 300 or >= 400) return (response, body, hops);
            hops.Add(new Uri(hops[^1], response.Headers.Location!));
        }
        throw new InvalidOperationException("too many redirects: " + string.Join(" -> ", hops));
    }

    /// <summary>Signs in through the fake GitHub by opening the link's sign-in page; returns the final page.</summary>
    public async Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> SignInAsync(string link) => await FollowAsync(link + "/sign-in");

    public static string? AntiForgery(string html) => AntiForgeryPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("name=\"terraflow_antiforgery\" value=\"([^\"]*)\"")]
    private static partial Regex AntiForgeryPattern();

    public void Dispose() => _http.Dispose();
}
