using System.Net;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// Maps <c>POST /{FunctionName}</c> for the functions the Functions host invokes with the JSON invocation payload
/// (HTTP functions reach the app's own routes through request forwarding instead).
/// </summary>
internal static class CustomHandlerEndpoints
{
    /// <summary>Configuration switch for hosts that are not started by the Functions host (tests, local tools).</summary>
    public const string EnableSetting = "TerraFlow:CustomHandler:Invocations";

    /// <summary>
    /// Only under the Functions host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set) or when <see cref="EnableSetting"/> is
    /// true: a standalone TerraFlow must not accept job results from whoever can reach its port. Even then only
    /// loopback callers are served; the host calls the handler on 127.0.0.1.
    /// </summary>
    public static IEndpointRouteBuilder MapCustomHandlerInvocations(this IEndpointRouteBuilder app)
    {
        var config = app.ServiceProvider.GetRequiredService<IConfiguration>();
        var underFunctionsHost = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT"));
        if (!underFunctionsHost && !config.GetValue(EnableSetting, defaultValue: false)) return app;

        foreach (var function in FunctionRegistry.InvokedFunctions)
        {
            var route = "/" + function.Name;
            var endpoint = function.Name switch
            {
                FunctionRegistry.JobResults => app.MapPost(route, JobResultsFunction.InvokeAsync),
                FunctionRegistry.Timers => app.MapPost(route, TimersFunction.InvokeAsync),
                _ => throw new InvalidOperationException($"function {function.Name} is in the registry but has no invocation handler"),
            };
            endpoint.AddEndpointFilter(async (context, next) =>
                context.HttpContext.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                    ? await next(context)
                    : Results.Json(new { status = "rejected", reason = "invocations are accepted from the local Functions host only" }, statusCode: StatusCodes.Status403Forbidden));
        }
        return app;
    }
}
