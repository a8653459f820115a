using System.Text;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// How git authenticates an https clone with a provider's token: a Basic <c>Authorization</c> header passed as
/// <c>http.extraHeader</c> for each command only, so the token never lands in a URL or <c>.git/config</c>.
/// <paramref name="Secrets"/> are what logs must mask (the token and its base64 form).
/// </summary>
public sealed record CloneCredential(string Header, IReadOnlyList<string> Secrets);

/// <summary>
/// Builds <see cref="CloneCredential"/>s. The user name beside the token is the host's
/// (<see cref="VcsCloneRules.BasicUser"/>; ask <see cref="VcsHosts.CloneCredential"/> with the run's provider).
/// </summary>
public static class CloneCredentials
{
    /// <summary><c>Authorization: Basic base64(user:token)</c>.</summary>
    public static CloneCredential Basic(string user, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + token));
        return new CloneCredential("Authorization: Basic " + basic, [token, basic]);
    }
}
