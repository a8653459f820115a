using System.Diagnostics;

namespace TerraFlow.Functions;

/// <summary>
/// Puts method, route, path and status code on the request's activity, so the Application Insights request item is
/// named "POST /api/webhooks/github" and carries its result whatever tags the framework itself sets.
/// </summary>
internal static class RequestTelemetryTags
{
    /// <summary>
    /// An endpoint that serves several hosts from one route template (<c>/api/webhooks/{provider}</c>) puts the route of
    /// the registered host it served here, so requests stay named per host ("POST /api/webhooks/gitlab") without ever
    /// naming an item after unverified text from the URL.
    /// </summary>
    public const string RouteItem = "terraflow.http.route";

    public static IApplicationBuilder UseRequestTelemetryTags(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var activity = Activity.Current;
            try
            {
                await next(http);
            }
            finally
            {
                if (activity is { IsAllDataRequested: true })
                {
                    activity.SetTag("http.request.method", http.Request.Method);
                    activity.SetTag("url.path", http.Request.Path.Value);
                    if (http.Items[RouteItem] is string served) activity.SetTag("http.route", served);
                    else if (http.GetEndpoint() is RouteEndpoint route) activity.SetTag("http.route", "/" + route.RoutePattern.RawText?.TrimStart('/'));
                    activity.SetTag("http.response.status_code", http.Response.StatusCode);
                }
            }
        });
}
