using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Security.Fuzz;
using Xunit.Abstractions;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 10, "memory before authentication": the body buffer was sized from Content-Length before the signature was
/// checked, so 60 unsigned requests declaring 25 MB committed 1.5 GB. Raw sockets, so the declared length can be a lie:
/// unsigned requests are refused before any body is read, an over-limit declaration is a 413 before reading, and a
/// plausible-looking request that declares 25 MB but sends a few bytes costs a few bytes, not 25 MB.
/// </summary>
[Collection(WebhookIntakeCollection.Name)]
public sealed class WebhookBodyBufferTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Declared = 25 * 1024 * 1024;
    private FuzzHost _fuzz = null!;

    public async Task InitializeAsync() => _fuzz = await FuzzHost.StartAsync();

    public async Task DisposeAsync() => await _fuzz.DisposeAsync();

    private async Task<Socket> OpenAsync(string path, long contentLength, IEnumerable<string> headers, byte[]? bodyStart = null)
    {
        var uri = new Uri(_fuzz.Host.BaseUrl);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(uri.Host, uri.Port);
        var head = new StringBuilder($"POST {path} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n");
        foreach (var header in headers) head.Append(header).Append("\r\n");
        head.Append("\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (bodyStart is not null) await socket.SendAsync(bodyStart);
        return socket;
    }

    /// <summary>The status code of the answer, read within <paramref name="timeout"/> (null when none came).</summary>
    private static async Task<int?> StatusAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[512];
        try
        {
            var read = await socket.ReceiveAsync(buffer, cts.Token);
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(line.AsSpan(9, 3)) : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static string[] GitHubHeaders(bool signed) =>
    [
        "X-GitHub-Event: pull_request", $"X-GitHub-Delivery: {Guid.NewGuid()}",
        .. signed ? new[] { "X-Hub-Signature-256: sha256=" + new string('0', 64) } : [],
    ];

    private static string[] GitLabHeaders(string? token) =>
    [
        "X-Gitlab-Event: Merge Request Hook", $"Idempotency-Key: {Guid.NewGuid()}",
        .. token is null ? Array.Empty<string>() : ["X-Gitlab-Token: " + token],
    ];

    [Fact]
    public async Task Unauthenticated_requests_declaring_25_MB_are_refused_before_their_body_and_commit_no_memory()
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var sockets = new List<Socket>();
        for (var i = 0; i < 30; i++)
        {
            sockets.Add(await OpenAsync("/api/webhooks/github", Declared, GitHubHeaders(signed: false)));
            sockets.Add(await OpenAsync("/api/webhooks/gitlab", Declared, GitLabHeaders(token: "wrong")));
        }
        // No body byte was sent: the answers come anyway, because no body is needed to refuse these.
        var statuses = await Task.WhenAll(sockets.Select(s => StatusAsync(s, TimeSpan.FromSeconds(10))));
        var elapsed = clock.Elapsed;
        var committed = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        sockets.ForEach(s => s.Dispose());
        output.WriteLine($"60 unauthenticated requests declaring 25 MB: answered in {elapsed.TotalMilliseconds:F0} ms, {committed / 1024.0 / 1024.0:F1} MB allocated in this process meanwhile");

        Assert.All(statuses, s => Assert.Equal(401, s));
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"60 refusals took {elapsed}");
        // 60 × 25 MB would be 1.5 GB; everything this process allocated meanwhile (both ends) stays far below one body.
        Assert.True(committed < 64L * 1024 * 1024, $"allocated {committed / 1024 / 1024} MB while refusing");
        Assert.Equal(0, (await _fuzz.RowCountsAsync())["webhook_deliveries"]);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_any_body_is_sent()
    {
        using var github = await OpenAsync("/api/webhooks/github", Declared + 1, GitHubHeaders(signed: true));
        using var gitlab = await OpenAsync("/api/webhooks/gitlab", Declared + 1, GitLabHeaders(GitLabWebhooks.Secret));

        Assert.Equal(413, await StatusAsync(github, TimeSpan.FromSeconds(10)));
        Assert.Equal(413, await StatusAsync(gitlab, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_body_that_declares_25_MB_and_sends_a_few_bytes_costs_a_few_bytes()
    {
        // Past every check that needs no body (a well-formed signature header, the right GitLab token), so the host
        // reads: the buffer must grow with what arrives, not be sized from the declaration.
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var sockets = new List<Socket>();
        for (var i = 0; i < 20; i++)
        {
            sockets.Add(await OpenAsync("/api/webhooks/github", Declared, GitHubHeaders(signed: true), "{\"action\":"u8.ToArray()));
            sockets.Add(await OpenAsync("/api/webhooks/gitlab", Declared, GitLabHeaders(GitLabWebhooks.Secret), "{\"object_kind\":"u8.ToArray()));
        }
        // Give the host time to take up all 40 requests and start reading them.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var committed = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        output.WriteLine($"40 requests declaring 25 MB and sending 15 bytes each: {committed / 1024.0 / 1024.0:F1} MB allocated in this process");

        // Nobody sends the rest: the requests end without a body to judge, and nothing is stored.
        sockets.ForEach(s => s.Shutdown(SocketShutdown.Send));
        sockets.ForEach(s => s.Dispose());
        Assert.True(committed < 64L * 1024 * 1024, $"allocated {committed / 1024 / 1024} MB for 40 requests that sent a few bytes each (40 × 25 MB = 1000 MB if pre-allocated)");
        Assert.Equal(0, (await _fuzz.RowCountsAsync())["webhook_deliveries"]);
    }
}
