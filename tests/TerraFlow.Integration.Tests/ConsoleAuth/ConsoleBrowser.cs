using System.Net;
using System.Text.RegularExpressions;
using TerraFlow.Functions.Console;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// A browser for console sign-in: one cookie jar across TerraFlow and the VCS stand-in, redirects followed one hop at a
/// time so each answer (and its Set-Cookie) can be inspected.
/// </summary>
internal sealed partial class ConsoleBrowser : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleBrowser()
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

    /// <summary>Follows redirects from <paramref name="url"/>; every hop's URL and answer.</summary>
    public async Task<List<(Uri Url, HttpResponseMessage Response, string Body)>> FollowAsync(string url, int maxHops = 6)
    {
        var hops = new List<(Uri, HttpResponseMessage, string)>();
        var next = new Uri(url);
        for (var i = 0; i < maxHops; i++)
        {
            var (response, body) = await GetAsync(next.AbsoluteUri);
            hops.Add((next, response, body));
            if ((int)response.StatusCode is < 300 or >= 400) return hops;
            next = new Uri(next, response.Headers.Location!);
        }
        throw new InvalidOperationException("too many redirects: " + string.Join(" -> ", hops.Select(h => h.Item1)));
    }

    /// <summary>The console session cookie's value in the jar (null when none).</summary>
    public string? SessionCookie(string baseUrl) => Cookies.GetCookies(new Uri(baseUrl))[ConsoleSessions.CookieName]?.Value;

    public static string? AntiForgery(string html) => Field().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("name=\"terraflow_csrf\" value=\"([^\"]*)\"")]
    private static partial Regex Field();

    public void Dispose() => _http.Dispose();
}
