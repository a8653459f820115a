using System.Net.Http.Headers;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Security.Fuzz;

/// <summary>Sends one body as the provider would: correctly signed (GitHub HMAC) or tokened (GitLab), a fresh delivery id.</summary>
internal static class FuzzDelivery
{
    public static HttpRequestMessage Request(string baseUrl, string provider, string eventName, byte[] body, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl.TrimEnd('/')}/api/webhooks/{provider}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (provider == FuzzCorpus.GitHub)
        {
            request.Headers.Add("X-GitHub-Event", eventName);
            request.Headers.Add("X-GitHub-Delivery", deliveryId);
            request.Headers.Add("X-Hub-Signature-256", GitHubWebhookVerifier.ComputeSignature(TerraFlowTestHost.WebhookSecret, body));
        }
        else
        {
            request.Headers.Add("X-Gitlab-Event", eventName);
            request.Headers.Add("Idempotency-Key", deliveryId);
            request.Headers.Add("X-Gitlab-Token", GitLabWebhooks.Secret);
        }
        return request;
    }
}
