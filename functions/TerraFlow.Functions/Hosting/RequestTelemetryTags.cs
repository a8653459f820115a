using System.Diagnostics;

namespace TerraFlow.Functions;

/// <summary>
/// Puts method, route, path and status code on the request's activity, so the Application Insights request item is
/// named "POST /api/webhooks/github" and carries its result whatever tags the framework itself sets.
/// </summary>
internal static class RequestTelemetryTags
{
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
                    if (http.GetEndpoint() is RouteEndpoint route) activity.SetTag("http.route", "/" + route.RoutePattern.RawText?.TrimStart('/'));
                    activity.SetTag("http.response.status_code", http.Response.StatusCode);
                }
            }
        });
}
