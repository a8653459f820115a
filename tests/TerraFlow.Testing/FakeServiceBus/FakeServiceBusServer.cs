using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Testing.FakeServiceBus;

/// <summary>
/// A local stand-in for an Azure Service Bus namespace's runtime REST API: a real Kestrel server on 127.0.0.1 with
/// queues that lock, expire locks and redeliver, dead-letter past MaxDeliveryCount, and drop duplicates by MessageId.
/// It demands a valid SAS token (signed with <see cref="FakeServiceBusOptions.Key"/>) or an accepted bearer token.
/// <code>
/// await using var bus = await FakeServiceBusServer.StartAsync();
/// bus.CreateQueue("jobs", new FakeQueueSettings { LockDuration = TimeSpan.FromSeconds(5) });
/// var client = ServiceBusRestClient.FromConnectionString(bus.ConnectionString);
/// </code>
/// </summary>
public sealed class FakeServiceBusServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeServiceBusOptions _options;
    private readonly FakeServiceBusRouter _router;
    private readonly ConcurrentDictionary<string, FakeServiceBusQueue> _queues;

    private FakeServiceBusServer(WebApplication app, FakeServiceBusOptions options, FakeServiceBusRouter router,
        ConcurrentDictionary<string, FakeServiceBusQueue> queues, Uri endpoint)
    {
        _app = app;
        _options = options;
        _router = router;
        _queues = queues;
        Endpoint = endpoint;
    }

    /// <summary>The namespace's REST base, e.g. http://127.0.0.1:54321/.</summary>
    public Uri Endpoint { get; }

    /// <summary>A SAS connection string for the stand-in (the SDKs' <c>UseDevelopmentEmulator</c> flag means plain http).</summary>
    public string ConnectionString =>
        $"Endpoint=sb://{Endpoint.Authority}/;SharedAccessKeyName={_options.KeyName};SharedAccessKey={_options.Key};UseDevelopmentEmulator=true";

    /// <summary>Requests refused with 401.</summary>
    public int UnauthorizedRequests => _router.UnauthorizedCount;

    public static async Task<FakeServiceBusServer> StartAsync(FakeServiceBusOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeServiceBusOptions();
        var queues = new ConcurrentDictionary<string, FakeServiceBusQueue>(StringComparer.OrdinalIgnoreCase);
        var router = new FakeServiceBusRouter(options, new FakeServiceBusAuth(options), name => queues.GetValueOrDefault(name));

        var builder = WebApplication.CreateSlimBuilder();
        var certificate = options.UseHttps ? SelfSignedCertificate() : null;
        if (certificate is null) builder.WebHost.UseUrls("http://127.0.0.1:0");
        else builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(router.HandleAsync);
        await app.StartAsync(ct);

        // Port 0 lets the OS pick a free port; Kestrel reports the one it bound after start.
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First().TrimEnd('/');
        return new FakeServiceBusServer(app, options, router, queues, new Uri(address + "/")) { CertificateThumbprint = certificate?.Thumbprint };
    }

    /// <summary>With <see cref="FakeServiceBusOptions.UseHttps"/>: the thumbprint clients should trust (and nothing else).</summary>
    public string? CertificateThumbprint { get; private init; }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>Creates a queue (as Bicep would); returns the existing one if the name is taken.</summary>
    public FakeServiceBusQueue CreateQueue(string name, FakeQueueSettings? settings = null) =>
        _queues.GetOrAdd(name, n => new FakeServiceBusQueue(n, settings ?? new FakeQueueSettings(), _options.Time));

    /// <summary>The queue, for inspection (contents, dead-lettered, duplicates) and test hooks.</summary>
    public FakeServiceBusQueue Queue(string name) =>
        _queues.TryGetValue(name, out var q) ? q : throw new InvalidOperationException($"The stand-in has no queue '{name}'.");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
