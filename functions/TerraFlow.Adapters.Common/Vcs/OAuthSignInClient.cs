using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// The OAuth 2.0 authorization-code web flow every host's approver sign-in uses: the authorize URL, <c>POST</c> of the
/// code to the token endpoint (form-encoded, JSON asked back), then one <c>GET</c> of the user with that token to read
/// the login. The user token is used for that call only and dropped: TerraFlow keeps acting with its own credentials.
/// A host says where its endpoints are and what differs (extra parameters, API headers, the login's field name).
/// </summary>
public abstract class OAuthSignInClient(HttpClient http) : IOAuthSignIn
{
    public abstract string Provider { get; }

    public abstract string DisplayName { get; }

    public abstract string ClientIdSetting { get; }

    public abstract bool IsConfigured { get; }

    protected abstract string? ClientId { get; }

    protected abstract string? ClientSecret { get; }

    /// <summary>Absolute URL of the host's authorize page.</summary>
    protected abstract string AuthorizeEndpoint { get; }

    /// <summary>Absolute URL the code is exchanged at.</summary>
    protected abstract string TokenEndpoint { get; }

    /// <summary>Absolute URL of "who am I" in the host's API.</summary>
    protected abstract Uri UserEndpoint { get; }

    /// <summary>The user answer's field that holds the login ("login" on GitHub, "username" on GitLab).</summary>
    protected abstract string LoginField { get; }

    /// <summary>Authorize parameters after client_id, redirect_uri and state (scope, response_type…).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> AuthorizeParameters => [];

    /// <summary>Token form fields besides client_id, client_secret, code and redirect_uri (grant_type…).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> TokenParameters => [];

    /// <summary>Headers of the user request besides the bearer token and user agent.</summary>
    protected virtual void AddApiHeaders(HttpRequestHeaders headers) => headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

    /// <summary>
    /// Whether a refusal from the token endpoint is TerraFlow's or the host's problem (reported as upstream, 502) rather
    /// than the person's (a used or foreign code, 400). By default none is.
    /// </summary>
    protected virtual bool IsUpstreamRefusal(string? error, HttpStatusCode status) => false;

    public Uri AuthorizeUrl(string state, string redirectUri)
    {
        IEnumerable<KeyValuePair<string, string>> query =
        [
            KeyValuePair.Create("client_id", RequireClientId()),
            KeyValuePair.Create("redirect_uri", redirectUri),
            KeyValuePair.Create("state", state),
            .. AuthorizeParameters,
        ];
        return new Uri(AuthorizeEndpoint + "?" + string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))), UriKind.Absolute);
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
            return OAuthSignInResult.Unavailable($"{DisplayName}'s token endpoint could not be reached or answered unexpectedly.");
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, UserEndpoint);
            AddApiHeaders(request.Headers);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return OAuthSignInResult.Unavailable($"{DisplayName} did not say who signed in (GET /user answered {(int)response.StatusCode}).");
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
            var login = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(LoginField, out var l) && l.ValueKind == JsonValueKind.String
                ? l.GetString()
                : null;
            return string.IsNullOrWhiteSpace(login)
                ? OAuthSignInResult.Unavailable($"{DisplayName}'s GET /user answer has no {LoginField}.")
                : OAuthSignInResult.Success(login);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return OAuthSignInResult.Unavailable($"{DisplayName}'s API could not be reached or answered unexpectedly.");
        }
    }

    /// <summary>
    /// POST of the code. Hosts answer a refused grant with an "error" field (GitHub even with 200); a server error or
    /// an answer without token or error is the host's problem.
    /// </summary>
    private async Task<string> ExchangeCodeAsync(string code, string redirectUri, CancellationToken ct)
    {
        IEnumerable<KeyValuePair<string, string>> form =
        [
            KeyValuePair.Create("client_id", RequireClientId()),
            KeyValuePair.Create("client_secret", ClientSecret ?? ""),
            KeyValuePair.Create("code", code),
            KeyValuePair.Create("redirect_uri", redirectUri),
            .. TokenParameters,
        ];
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        // JSON asked for explicitly: GitHub answers form encoding otherwise.
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TerraFlow", null));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500)
            throw new SignInFailedException($"{DisplayName}'s token endpoint answered {(int)response.StatusCode}.", upstream: true);

        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException($"{DisplayName}'s token endpoint answered without a JSON object.");
        if (root.TryGetProperty("error", out var error))
        {
            var kind = error.ValueKind == JsonValueKind.String ? error.GetString() : null;
            var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var message = $"{DisplayName} refused the sign-in ({kind}){(description is null ? "" : ": " + description)}";
            throw new SignInFailedException(message, IsUpstreamRefusal(kind, response.StatusCode));
        }
        if (response.IsSuccessStatusCode && root.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } value)
            return value;
        throw new SignInFailedException($"{DisplayName}'s token endpoint answered {(int)response.StatusCode} without access_token or error.", upstream: true);
    }

    private string RequireClientId() =>
        string.IsNullOrWhiteSpace(ClientId) ? throw new InvalidOperationException($"{ClientIdSetting} is not configured.") : ClientId;

    private sealed class SignInFailedException(string message, bool upstream) : Exception(message)
    {
        public bool Upstream { get; } = upstream;
    }
}
