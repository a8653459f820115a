using System.Globalization;

namespace TerraFlow.Application.Links;

/// <summary>
/// The one place that knows where a run lives on TerraFlow's public URL. People (commit statuses, drift issues and
/// their comments, drift webhooks) get the console's run page, <c>/api/console/runs/{id}</c>: the same path in the
/// standalone and the Functions host, and a signed-out person is sent through sign-in and back to it. Scripts get the
/// JSON, <c>/api/runs/{id}</c>, which answers 401 to a browser without a session.
/// </summary>
public static class RunLinks
{
    /// <summary>The console's run page below the public URL.</summary>
    public static string PagePath(long runId) => "/api/console/runs/" + runId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The run's JSON below the public URL.</summary>
    public static string ApiPath(long runId) => "/api/runs/" + runId.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>{publicUrl}/api/console/runs/{id}</c>; null without a public URL (a link without a host helps nobody on the VCS host).</summary>
    public static string? Page(string? publicUrl, long runId) => Absolute(publicUrl, PagePath(runId));

    /// <summary><c>{publicUrl}/api/runs/{id}</c>; null without a public URL.</summary>
    public static string? Api(string? publicUrl, long runId) => Absolute(publicUrl, ApiPath(runId));

    private static string? Absolute(string? publicUrl, string path) =>
        string.IsNullOrWhiteSpace(publicUrl) ? null : publicUrl.TrimEnd('/') + path;
}
