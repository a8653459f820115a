using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>
/// The last step before the socket for every request Octokit sends: pins the API version, refuses to send credentials
/// to any host but the API's own (a pagination link or redirect elsewhere must not receive our token), and lets the
/// caller's <see cref="CancellationToken"/> abort the request (Octokit's client methods take none; see
/// <see cref="GitHubCallContext"/>).
/// </summary>
internal sealed class GitHubRequestHandler(Uri baseAddress) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is not null && request.RequestUri is { } target
            && Uri.Compare(target, baseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            // Only method and host go into the text: never headers, so never a token.
            throw new VcsPermanentException(
                $"GitHub API {request.Method} was sent to another host ({target.Host}) than the API's ({baseAddress.Host}); refusing to send credentials there.", 0);
        }

        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", GitHubApiUrl.ApiVersion);
        var caller = GitHubCallContext.Current;
        if (!caller.CanBeCanceled) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, caller);
        return await base.SendAsync(request, linked.Token).ConfigureAwait(false);
    }
}

/// <summary>
/// The caller's cancellation token for the GitHub call under way on this async flow. Most Octokit methods take no
/// token; this carries ours past them to <see cref="GitHubRequestHandler"/>, so cancelling aborts the HTTP request.
/// </summary>
internal static class GitHubCallContext
{
    private static readonly AsyncLocal<CancellationToken> Token = new();

    public static CancellationToken Current => Token.Value;

    /// <summary>Sets the token for the rest of the calling async method (AsyncLocal changes do not flow back out of it).</summary>
    public static void Set(CancellationToken ct) => Token.Value = ct;
}
