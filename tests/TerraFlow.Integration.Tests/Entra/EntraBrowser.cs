using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Entra;

/// <summary>A browser: one cookie jar across TerraFlow and the fake Entra, redirects followed one at a time.</summary>
internal sealed partial class EntraBrowser : CookieJarBrowser
{
    /// <summary>Follows redirects from <paramref name="url"/> until a non-redirect answer; returns every hop's URL.</summary>
    public Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> FollowAsync(string url, int maxHops = 8) => FinalAsync(url, maxHops);

    /// <summary>Signs in with Entra from the start path; returns the final answer and the hops.</summary>
    public Task<(HttpResponseMessage Response, string Body, List<Uri> Hops)> SignInAsync(string baseUrl, string returnPath = "/") =>
        FollowAsync(baseUrl + "/api/auth/entra/sign-in?return=" + Uri.EscapeDataString(returnPath));

    public bool HasSession(string baseUrl) => Cookies.GetCookies(new Uri(baseUrl + "/")).Any(c => c.Name == "terraflow_session" && c.Value.Length > 0);

    /// <summary>The console anti-forgery token, read from the sign-out form of the sign-in page.</summary>
    public async Task<string> AntiForgeryAsync(string baseUrl)
    {
        var (_, body) = await GetAsync(baseUrl + TerraFlow.Functions.Console.ConsoleResponses.SignInPath);
        var match = CsrfField().Match(body);
        if (!match.Success) throw new InvalidOperationException("no anti-forgery field on the sign-in page: " + body);
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static HttpRequestMessage Json(HttpMethod method, string url, string? json, string? csrf = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        if (csrf is not null) request.Headers.Add("X-TerraFlow-CSRF", csrf);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    [GeneratedRegex("name=\"terraflow_csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();

}
