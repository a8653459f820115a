using System.Net;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>
/// A minimal browser for sign-in flows: one cookie jar across TerraFlow and the stand-ins it redirects to, redirects
/// followed one hop at a time so each answer (and its Set-Cookie) can be inspected. The approval, console and Entra
/// test browsers add their flow's own helpers on top.
/// </summary>
internal abstract class CookieJarBrowser : IDisposable
{
    private readonly HttpClient _http;

    protected CookieJarBrowser()
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

    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpResponseMessage Response, string Body)> PostFormAsync(string url, IDictionary<string, string>? form)
    {
        using var content = form is null ? (HttpContent)new StringContent("") : new FormUrlEncodedContent(form);
        var response = await _http.PostAsync(url, content);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Follows redirects from <paramref name="url"/> until a non-redirect answer; every hop's URL and answer.</summary>
    protected async Task<List<(Uri Url, HttpResponseMessage Response, string Body)>> HopsAsync(string url, int maxHops)
    {
        var hops = new List<(Uri Url, HttpResponseMessage Response, string Body)>();
        var next = new Uri(url);
        for (var i = 0; i < maxHops; i++)
        {
            var (response, body) = await GetAsync(next.AbsoluteUri);
            hops.Add((next, response, body));
            if ((int)response.StatusCode is < 300 or >= 400) return hops;
            next = new Uri(next, response.Headers.Location!);
        }
        throw new InvalidOperationException("too many redirects: " + string.Join(" -> ", hops.Select(h => h.Url).Append(next)));
    }

    /// <summary>The last answer of <see cref="HopsAsync"/> with the URLs of every hop.</summary>
    protected async Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> FinalAsync(string url, int maxHops)
    {
        var hops = await HopsAsync(url, maxHops);
        return (hops[^1].Response, hops[^1].Body, hops.Select(h => h.Url).ToList());
    }

    public void Dispose() => _http.Dispose();
}
