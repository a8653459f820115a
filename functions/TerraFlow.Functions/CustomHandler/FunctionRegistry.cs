namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// Every function of the Azure Functions app, in one place. Publishing writes each one's <c>function.json</c> from
/// here (<see cref="FunctionJsonWriter"/>), the invocation endpoints are mapped from here, and a test compares the
/// HTTP routes below with the routes the app really maps, so a route cannot exist on one side only.
/// </summary>
internal static class FunctionRegistry
{
    /// <summary>The Functions host's default <c>extensions.http.routePrefix</c>; the app's own routes start with it.</summary>
    public const string RoutePrefix = "api";

    /// <summary>App-setting prefix of the Service Bus connection (identity-based: <c>ServiceBusConnection__fullyQualifiedNamespace</c>, as bicep/ sets it).</summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

    /// <summary>The queue runners send their job results to.</summary>
    public const string ResultsQueue = "results";

    /// <summary>NCRONTAB with seconds: every minute. The engine loop also runs while an instance is up; the timer is what
    /// wakes a scaled-to-zero app for due timers, the outbox and expired leases.</summary>
    public const string TimersSchedule = "0 * * * * *";

    public const string JobResults = "JobResults";
    public const string Timers = "Timers";

    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        // GitHub cannot send function keys in a header and its docs warn against secrets in the URL: the endpoint
        // verifies X-Hub-Signature-256 itself, so the function is anonymous.
        new("GitHubWebhook", new HttpTrigger("webhooks/github", ["post"], AuthLevels.Anonymous)),
        // GitLab sends its secret token in X-Gitlab-Token, which the endpoint compares itself; it cannot send function keys.
        new("GitLabWebhook", new HttpTrigger("webhooks/gitlab", ["post"], AuthLevels.Anonymous)),
        // Platform health probes carry no key.
        new("Health", new HttpTrigger("health", ["get"], AuthLevels.Anonymous)),
        new("HealthLive", new HttpTrigger("health/live", ["get"], AuthLevels.Anonymous)),
        // Run metadata is not for the public: behind the Function App's keys until approver sign-in exists.
        new("Run", new HttpTrigger("runs/{id:long}", ["get"], AuthLevels.Function)),
        new("RunEvents", new HttpTrigger("runs/{id:long}/events", ["get"], AuthLevels.Function)),
        // Approval links are opened by people from pull request comments, without function keys: the signed token in
        // the URL, the approver's sign-in with the VCS host and the anti-forgery token are checked by the endpoints themselves.
        new("Approval", new HttpTrigger("approvals/{token}", ["get", "post"], AuthLevels.Anonymous)),
        new("ApprovalSignIn", new HttpTrigger("approvals/{token}/sign-in", ["get"], AuthLevels.Anonymous)),
        new("GitHubOAuthCallback", new HttpTrigger("oauth/github/callback", ["get"], AuthLevels.Anonymous)),
        new("GitLabOAuthCallback", new HttpTrigger("oauth/gitlab/callback", ["get"], AuthLevels.Anonymous)),
        new(JobResults, new ServiceBusQueueTrigger("message", ResultsQueue, ServiceBusConnection)),
        new(Timers, new TimerTrigger("timer", TimersSchedule)),
    ];

    public static IEnumerable<(FunctionDefinition Function, HttpTrigger Trigger)> HttpFunctions =>
        All.Where(f => f.Trigger is HttpTrigger).Select(f => (f, (HttpTrigger)f.Trigger));

    /// <summary>Functions the host invokes with the JSON invocation payload at <c>POST /{Name}</c>.</summary>
    public static IEnumerable<FunctionDefinition> InvokedFunctions => All.Where(f => f.Trigger is not HttpTrigger);
}

/// <param name="Name">Folder name, function name, and (for non-HTTP functions) the path the host POSTs to.</param>
internal sealed record FunctionDefinition(string Name, FunctionTrigger Trigger);

internal abstract record FunctionTrigger(string BindingName);

/// <param name="Route">Route template below <see cref="FunctionRegistry.RoutePrefix"/>, in ASP.NET Core syntax.</param>
/// <param name="Methods">Lower-case HTTP methods.</param>
internal sealed record HttpTrigger(string Route, IReadOnlyList<string> Methods, string AuthLevel) : FunctionTrigger("req")
{
    /// <summary>The path the app maps, e.g. <c>/api/runs/{id:long}</c>; with request forwarding the host calls it as is.</summary>
    public string AppRoute => $"/{FunctionRegistry.RoutePrefix}/{Route}";
}

internal sealed record ServiceBusQueueTrigger(string BindingName, string QueueName, string Connection) : FunctionTrigger(BindingName);

internal sealed record TimerTrigger(string BindingName, string Schedule) : FunctionTrigger(BindingName);

internal static class AuthLevels
{
    public const string Anonymous = "anonymous";
    public const string Function = "function";
}
