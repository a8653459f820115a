using System.Globalization;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Access;

namespace TerraFlow.Functions.Console;

/// <summary>What every console handler needs from the request: the signed-in user, the pages' root, links to the VCS host.</summary>
internal static class ConsoleRequest
{
    /// <summary>The prefix the request came in on: <c>/api/console</c> (both hosts) or the standalone host's <c>/console</c>.</summary>
    public static string Root(HttpContext ctx) =>
        ctx.Request.Path.StartsWithSegments(ConsolePages.ConvenienceRoot, StringComparison.OrdinalIgnoreCase) ? ConsolePages.ConvenienceRoot : ConsolePages.CanonicalRoot;

    /// <summary>The signed-in user; the endpoints' policies guarantee one, so null only on a misconfigured route.</summary>
    public static ConsoleUser? User(HttpContext ctx) => ConsoleClaims.FromPrincipal(ctx.User);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>Links to a pull request and TerraFlow's comment on it, where the VCS host's web address is known.</summary>
internal sealed class VcsWebLinks(VcsHosts hosts)
{
    public string? PullRequest(string provider, string repository, int number)
    {
        var root = hosts.Find(provider)?.Cloning.WebRoot?.TrimEnd('/');
        if (root is null || number <= 0) return null;
        return provider switch
        {
            "github" => $"{root}/{repository}/pull/{number}",
            "gitlab" => $"{root}/{repository}/-/merge_requests/{number}",
            _ => null,
        };
    }

    public string? Comment(string provider, string repository, int number, long commentId) =>
        PullRequest(provider, repository, number) is not { } pr ? null
        : provider == "github" ? $"{pr}#issuecomment-{commentId}" : $"{pr}#note_{commentId}";
}
