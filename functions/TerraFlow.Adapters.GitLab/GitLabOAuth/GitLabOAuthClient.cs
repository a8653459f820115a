using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitLabOAuth;

/// <summary>
/// Approver sign-in with GitLab (the OAuth 2.0 authorization-code flow GitLab documents for server-side apps):
/// <c>{web}/oauth/authorize</c> with scope <c>read_user</c>, <c>POST {web}/oauth/token</c> to exchange the code, then
/// <c>GET {api}/user</c> with the user token to read the <c>username</c>. The token is used for that call only and
/// dropped; TerraFlow keeps acting with its own configured token.
/// </summary>
public sealed class GitLabOAuthClient(HttpClient http, GitLabOAuthOptions options) : IOAuthSignIn
{
    public string Provider => VcsProviderNames.GitLab;

    public string DisplayName => "GitLab";

    public string ClientIdSetting => "TerraFlow__GitLab__ClientId";

    public bool IsConfigured => options.SignInConfigured;

    public Uri AuthorizeUrl(string state, string redirectUri)
    {
        var query = "client_id=" + Uri.EscapeDataString(RequireClientId()) +
                    "&redirect_uri=" + Uri.EscapeDataString(redirectUri) +
                    "&response_type=code" +
                    "&state=" + Uri.EscapeDataString(state) +
                    "&scope=read_user";
        return new Uri(options.EffectiveWebUrl + "/oauth/authorize?" + query, UriKind.Absolute);
    }

    public async Task<OAuthSignInResult> CompleteSignInAsync(string code, string redirectUri, CancellationToken ct)
    {
        string userToken;
        try
        {
            userToken = await ExchangeCodeAsync(code, redirectUri, ct).ConfigureAwait(false);
        }
        catch (SignInFailedException ex)
        {
            return ex.Upstream ? OAuthSignInResult.Unavailable(ex.Message) : OAuthSignInResult.Refused(ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return OAuthSignInResult.Unavailable("GitLab's token endpoint could not be reached or answered unexpectedly.");
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, options.EffectiveApiUrl + "/user");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return OAuthSignInResult.Unavailable($"GitLab did not say who signed in (GET /user answered {(int)response.StatusCode}).");
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
            var username = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String
                ? u.GetString()
                : null;
            return string.IsNullOrWhiteSpace(username)
                ? OAuthSignInResult.Unavailable("GitLab's GET /user answer has no username.")
                : OAuthSignInResult.Success(username);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return OAuthSignInResult.Unavailable("GitLab's API could not be reached or answered unexpectedly.");
        }
    }

    /// <summary>
    /// POST {web}/oauth/token (form-encoded; GitLab answers JSON). A refused grant (a used, expired or foreign code:
    /// <c>invalid_grant</c>, 400) is the person's problem; a refused client (<c>invalid_client</c>, 401) or a server
    /// error is TerraFlow's or GitLab's, reported as upstream.
    /// </summary>
    private async Task<string> ExchangeCodeAsync(string code, string redirectUri, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.EffectiveWebUrl + "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = RequireClientId(),
                ["client_secret"] = options.ClientSecret ?? "",
                ["code"] = code,
                ["grant_type"] = "authorization_code",
                ["redirect_uri"] = redirectUri,
            }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500)
            throw new SignInFailedException($"GitLab's token endpoint answered {(int)response.StatusCode}.", upstream: true);

        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("GitLab's token endpoint answered without a JSON object.");
        if (root.TryGetProperty("error", out var error))
        {
            var kind = error.ValueKind == JsonValueKind.String ? error.GetString() : null;
            var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var message = $"GitLab refused the sign-in ({kind}){(description is null ? "" : ": " + description)}";
            throw new SignInFailedException(message, upstream: kind == "invalid_client" || response.StatusCode == HttpStatusCode.Unauthorized);
        }
        if (response.IsSuccessStatusCode && root.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } value)
            return value;
        throw new SignInFailedException($"GitLab's token endpoint answered {(int)response.StatusCode} without access_token or error.", upstream: true);
    }

    private string RequireClientId() =>
        string.IsNullOrWhiteSpace(options.ClientId) ? throw new InvalidOperationException("TerraFlow__GitLab__ClientId is not configured.") : options.ClientId;

    private sealed class SignInFailedException(string message, bool upstream) : Exception(message)
    {
        public bool Upstream { get; } = upstream;
    }
}
