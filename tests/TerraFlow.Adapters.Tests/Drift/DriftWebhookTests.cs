using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Drift;
using TerraFlow.Core.Drift;

namespace TerraFlow.Adapters.Tests.Drift;

/// <summary>
/// The outbound drift webhook against a real HTTP listener on 127.0.0.1 that checks the signature itself (its own
/// HMAC-SHA256, not TerraFlow's helper), as a Slack/Teams relay would.
/// </summary>
public sealed class DriftWebhookTests : IAsyncLifetime
{
    private const string Secret = "relay-shared-secret-9f8e7d";
    private readonly ConcurrentQueue<(string Event, string Delivery, bool SignatureValid, JsonDocument Body)> _received = new();
    private WebApplication _listener = null!;
    private string _url = null!;
    private volatile int _failNext;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _listener = builder.Build();
        _listener.MapPost("/hooks/drift", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
            var given = context.Request.Headers["X-TerraFlow-Signature-256"].ToString();
            var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));
            _received.Enqueue((context.Request.Headers["X-TerraFlow-Event"].ToString(), context.Request.Headers["X-TerraFlow-Delivery"].ToString(),
                valid, JsonDocument.Parse(body)));
            if (Interlocked.Exchange(ref _failNext, 0) == 1) return Results.StatusCode(503);
            return valid ? Results.NoContent() : Results.Unauthorized();
        });
        await _listener.StartAsync();
        var address = _listener.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _url = address.TrimEnd('/') + "/hooks/drift";
    }

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    private Task<DriftTestSetup> StartAsync(string? secret = Secret) => DriftTestSetup.StartAsync("drift_webhook", settings: new Dictionary<string, string?>
    {
        ["TerraFlow:Drift:WebhookUrl"] = _url,
        ["TerraFlow:Drift:WebhookSecret"] = secret,
    });

    [Fact]
    public async Task Found_resolved_and_failed_are_posted_signed_and_still_drifted_is_not()
    {
        await using var s = await StartAsync();
        var webhook = s.Reporters.OfType<DriftWebhookReporter>().Single();
        // Azure DevOps has no drift issues; its projects are reported by the webhook alone.
        var network = await s.AddProjectAsync("azuredevops", "acme", "infra", "network");

        var found = s.Check(network, DriftState.Drifted, DriftState.Clean, changed: 3);
        await webhook.ReportAsync(found, default);
        await webhook.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Drifted), default);
        await webhook.ReportAsync(s.Check(network, DriftState.Failed, DriftState.Drifted), default);
        await webhook.ReportAsync(s.Check(network, DriftState.Clean, DriftState.Failed), default);
        await webhook.ReportAsync(s.Check(network, DriftState.Clean, DriftState.Clean), default);

        var received = _received.ToList();
        Assert.Equal(["drift.detected", "drift.check_failed", "drift.resolved"], received.Select(r => r.Event));
        Assert.All(received, r => Assert.True(r.SignatureValid));
        Assert.Equal(3, received.Select(r => r.Delivery).Distinct().Count());
        var detected = received[0].Body.RootElement;
        Assert.Equal("drift.detected", detected.GetProperty("event").GetString());
        Assert.Equal(received[0].Delivery, detected.GetProperty("delivery_id").GetString());
        Assert.Equal("acme/infra", detected.GetProperty("repository").GetProperty("full_name").GetString());
        Assert.Equal("network", detected.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal(found.RunId, detected.GetProperty("run").GetProperty("id").GetInt64());
        Assert.Equal(3, detected.GetProperty("counts").GetProperty("change").GetInt32());
        Assert.Equal(3, detected.GetProperty("resources").GetArrayLength());
        Assert.Contains("Drift detected in network (acme/infra)", detected.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", received[1].Body.RootElement.GetProperty("state").GetString());
        Assert.Contains("init", received[1].Body.RootElement.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.All(received, r => Assert.DoesNotContain(Secret, r.Body.RootElement.GetRawText(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_delivery_throws_for_the_outbox_and_the_retry_keeps_its_delivery_id()
    {
        await using var s = await StartAsync();
        var webhook = s.Reporters.OfType<DriftWebhookReporter>().Single();
        var network = await s.AddProjectAsync("github", "acme", "infra", "network");
        var found = s.Check(network, DriftState.Drifted, DriftState.Never);

        _failNext = 1;
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => webhook.ReportAsync(found, default));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, error.StatusCode);
        await webhook.ReportAsync(found, default);

        var received = _received.ToList();
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].Delivery, received[1].Delivery);
        Assert.True(Guid.TryParse(received[0].Delivery, out _));
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_receiver()
    {
        await using var s = await StartAsync(secret: "not-the-relays-secret");
        var webhook = s.Reporters.OfType<DriftWebhookReporter>().Single();
        var network = await s.AddProjectAsync("github", "acme", "infra", "network");
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => webhook.ReportAsync(s.Check(network, DriftState.Drifted, DriftState.Clean), default));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.False(Assert.Single(_received).SignatureValid);
    }

    [Fact]
    public void The_signature_matches_GitHubs_published_test_vector_form()
    {
        // GitHub's documented vector for X-Hub-Signature-256, which this header copies.
        var signature = DriftWebhookSignature.Compute("It's a Secret to Everybody", Encoding.UTF8.GetBytes("Hello, World!"));
        Assert.Equal("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", signature);
        Assert.True(DriftWebhookSignature.Verify("It's a Secret to Everybody", Encoding.UTF8.GetBytes("Hello, World!"), signature));
        Assert.False(DriftWebhookSignature.Verify("It's a Secret to Everybody", Encoding.UTF8.GetBytes("Hello, World?"), signature));
    }
}
