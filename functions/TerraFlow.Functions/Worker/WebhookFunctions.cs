using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Intake;
using TerraFlow.Functions.Webhooks;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// Webhooks: all three functions run <see cref="WebhookEndpoint"/>'s one pipeline. VCS hosts cannot send function
/// keys (GitHub's docs warn against secrets in URLs); the pipeline verifies each host's signature or token itself, so
/// these are anonymous. GitHub and GitLab have their own functions (their own entries in the portal and in metrics);
/// <c>webhooks/{provider}</c> serves any other registered host (a literal route wins over it).
/// </summary>
public sealed class WebhookFunctions
{
    [Function("WebhookGitHub")]
    public Task<IActionResult> GitHubAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/github")] HttpRequest req, CancellationToken ct) =>
        HandleAsync(req, "github", ct);

    [Function("WebhookGitLab")]
    public Task<IActionResult> GitLabAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/gitlab")] HttpRequest req, CancellationToken ct) =>
        HandleAsync(req, "gitlab", ct);

    [Function("Webhook")]
    public Task<IActionResult> AnyHostAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{provider}")] HttpRequest req, string provider, CancellationToken ct) =>
        HandleAsync(req, provider, ct);

    private static async Task<IActionResult> HandleAsync(HttpRequest req, string provider, CancellationToken ct)
    {
        var services = req.HttpContext.RequestServices;
        return new HttpResultAction(await WebhookEndpoint.HandleAsync(provider, req.HttpContext,
            services.GetRequiredService<VcsHosts>(), services.GetRequiredService<WebhookIntake>(),
            services.GetRequiredService<ILogger<WebhookIntake>>(), ct));
    }
}
