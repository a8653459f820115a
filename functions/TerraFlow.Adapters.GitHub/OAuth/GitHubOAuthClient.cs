using System.Net.Http.Headers;
using System.Text.Json;

namespace TerraFlow.Adapters.GitHub.OAuth;

/// <summary>How a sign-in ended: the GitHub login, or why not (and whether GitHub itself was unreachable).</summary>
public sealed record GitHubSignInResult(string? Login, string? Error, bool UpstreamFailure)
{
    public static GitHubSignInResult Success(string login) => new(login, null, false);
    public static GitHubSignInResult Refused(string error) => new(null, error, false);
    public static GitHubSignInResult Unavailable(string error) => new(null, error, true);
}

/// <summary>
/// GitHub App user authorization (the OAuth web flow) for approver sign-in: builds the authorize URL, exchanges the
/// callback's code for a user token and asks <c>GET /user</c> who it belongs to. The user token is used for that one
/// call and then dropped: TerraFlow acts with its own App credentials, never as the user.
/// </summary>
public sealed class GitHubOAuthClient(HttpClient http, GitHubOptions options)
{
    public bool IsConfigured => options.SignInConfigured;

    /// <summary><c>{web}/login/oauth/authorize?client_id=…&amp;redirect_uri=…&amp;state=…</c> (no scope: a GitHub App's
    /// user token carries the App's permissions, and reading the user's own login needs none).</summary>
    public Uri AuthorizeUrl(string state, string redirectUri)
    {
        var query = "client_id=" + Uri.EscapeDataString(RequireClientId()) +
                    "&redirect_uri=" + Uri.EscapeDataString(redirectUri) +
                    "&state=" + Uri.EscapeDataString(state) +
                    "&allow_signup=false";
        return new Uri(options.EffectiveWebUrl + "/login/oauth/authorize?" + query, UriKind.Absolute);
    }

    public async Task<GitHubSignInResult> CompleteSignInAsync(string code, string redirectUri, CancellationToken ct)
    {
        string? userToken;
        try
        {
            userToken = await ExchangeCodeAsync(code, redirectUri, ct).ConfigureAwait(false);
        }
        catch (OAuthRefusedException ex)
        {
            return GitHubSignInResult.Refused(ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return GitHubSignInResult.Unavailable("GitHub's token endpoint could not be reached or answered unexpectedly.");
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, options.BuildUri("user"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
            request.Headers.Add("X-GitHub-Api-Version", GitHubHttp.ApiVersion);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return GitHubSignInResult.Unavailable($"GitHub did not say who signed in (GET /user answered {(int)response.StatusCode}).");
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
            var login = doc.RootElement.TryGetProperty("login", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            return string.IsNullOrWhiteSpace(login)
                ? GitHubSignInResult.Unavailable("GitHub's GET /user answer has no login.")
                : GitHubSignInResult.Success(login);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return GitHubSignInResult.Unavailable("GitHub's API could not be reached or answered unexpectedly.");
        }
    }

    /// <summary>
    /// POST {web}/login/oauth/access_token. GitHub answers errors with 200 and an "error" field, and answers in
    /// form encoding unless asked for JSON, hence the Accept header.
    /// </summary>
    private async Task<string> ExchangeCodeAsync(string code, string redirectUri, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.EffectiveWebUrl + "/login/oauth/access_token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = RequireClientId(),
                ["client_secret"] = options.ClientSecret ?? "",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
            }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GitHub's token endpoint answered {(int)response.StatusCode}.");
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            var description = root.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            throw new OAuthRefusedException($"GitHub refused the sign-in ({error.GetString()}){(description is null ? "" : ": " + description)}");
        }
        if (root.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } value)
            return value;
        throw new JsonException("GitHub's token endpoint answered without access_token or error.");
    }

    private string RequireClientId() =>
        string.IsNullOrWhiteSpace(options.ClientId) ? throw new InvalidOperationException("TerraFlow__GitHub__ClientId is not configured.") : options.ClientId;

    private sealed class OAuthRefusedException(string message) : Exception(message);
}
