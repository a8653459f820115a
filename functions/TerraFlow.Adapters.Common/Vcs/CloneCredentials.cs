using System.Text;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// How git authenticates an https clone with a provider's token: a Basic <c>Authorization</c> header passed as
/// <c>http.extraHeader</c> for each command only, so the token never lands in a URL or <c>.git/config</c>.
/// <paramref name="Secrets"/> are what logs must mask (the token and its base64 form).
/// </summary>
public sealed record CloneCredential(string Header, IReadOnlyList<string> Secrets);

/// <summary>
/// Provider → the user name git sends beside the token. Each host wants a particular one: GitHub takes installation
/// and personal tokens as the password of <c>x-access-token</c>, GitLab takes OAuth and access tokens as the password
/// of <c>oauth2</c> (it refuses an OAuth token under any other name).
/// </summary>
public static class CloneCredentials
{
    private static readonly Dictionary<string, string> BasicUsers = new(StringComparer.OrdinalIgnoreCase)
    {
        [VcsProviderNames.GitHub] = "x-access-token",
        [VcsProviderNames.GitLab] = "oauth2",
    };

    /// <summary>The Basic user name for <paramref name="provider"/> (null/empty: the original provider).</summary>
    /// <exception cref="VcsProviderNotConfiguredException">TerraFlow does not know how that provider clones.</exception>
    public static string UserFor(string? provider)
    {
        var name = VcsProviderNames.OrDefault(provider);
        return BasicUsers.TryGetValue(name, out var user) ? user : throw new VcsProviderNotConfiguredException(name, BasicUsers.Keys);
    }

    /// <summary><c>Authorization: Basic base64(user:token)</c> for <paramref name="provider"/>.</summary>
    public static CloneCredential For(string? provider, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(UserFor(provider) + ":" + token));
        return new CloneCredential("Authorization: Basic " + basic, [token, basic]);
    }
}
