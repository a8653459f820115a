using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Console;

/// <summary>
/// Where a browser goes after signing in: a path on this host taken from <c>?return=</c> (or the page that asked for
/// sign-in), never an absolute URL (<see cref="LocalReturnPath"/> refuses "//host", "/\host", "https://…", dot
/// segments and control characters). Anything else becomes "/".
/// </summary>
public static class ConsoleReturnPath
{
    public const string Home = "/";

    public static string Sanitize(string? path) => LocalReturnPath.IsSafe(path, "/") ? path! : Home;

    /// <summary>The path and query of the request, for the return after a sign-in it triggers.</summary>
    public static string Of(HttpRequest request) => Sanitize(request.PathBase + request.Path + request.QueryString);
}
