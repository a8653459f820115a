using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.Tests.GitHub;
using TerraFlow.Testing.FakeServiceBus;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>Connection strings, SAS tokens and bearer tokens, against the stand-in that checks them.</summary>
public sealed class ServiceBusAuthTests
{
    private const string Queue = "q";

    private static ServiceBusOutgoingMessage Message(string id) =>
        new(Encoding.UTF8.GetBytes("{}"), new OutgoingBrokerProperties { MessageId = id });

    [Fact]
    public void A_connection_string_gives_the_https_endpoint_key_name_and_key()
    {
        var parsed = ServiceBusConnectionString.Parse(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc+def/ghi=");

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/"), parsed.Endpoint);
        Assert.Equal("send", parsed.KeyName);
        Assert.Equal("abc+def/ghi=", parsed.Key); // base64 keys end in '=': split on the first '=' only
    }

    [Fact]
    public void The_development_emulator_flag_means_plain_http_on_the_given_port()
    {
        var parsed = ServiceBusConnectionString.Parse("Endpoint=sb://127.0.0.1:5300;SharedAccessKeyName=k;SharedAccessKey=s;UseDevelopmentEmulator=true");
        Assert.Equal(new Uri("http://127.0.0.1:5300/"), parsed.Endpoint);
    }

    [Fact]
    public void A_connection_string_without_a_key_is_refused_without_echoing_secrets()
    {
        var ex = Assert.Throws<FormatException>(() => ServiceBusConnectionString.Parse("Endpoint=sb://x/;SharedAccessKeyName=k"));
        Assert.Contains("SharedAccessKey", ex.Message);
        var bad = Assert.Throws<FormatException>(() => ServiceBusConnectionString.Parse("Endpoint=sb://x/;secretvalue123"));
        Assert.DoesNotContain("secretvalue123", bad.Message);
    }

    [Fact]
    public void A_sas_token_has_the_documented_shape_and_signature()
    {
        var expiry = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);
        var token = SharedAccessSignature.Create(new Uri("https://contoso.servicebus.windows.net/"), "send", "key123", expiry);

        const string encodedUri = "https%3A%2F%2Fcontoso.servicebus.windows.net%2F";
        var mac = HMACSHA256.HashData("key123"u8, Encoding.UTF8.GetBytes(encodedUri + "\n1900000000"));
        var expected = $"SharedAccessSignature sr={encodedUri}&sig={WebUtility.UrlEncode(Convert.ToBase64String(mac))}&se=1900000000&skn=send";
        Assert.Equal(expected, token);
    }

    [Fact]
    public async Task The_sas_token_is_cached_until_a_fifth_of_its_life_is_left()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var policy = new SharedAccessSignaturePolicy(ServiceBusConnectionString.Parse(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s"), time, TimeSpan.FromMinutes(60));
        var seen = new List<string>();
        var pipeline = HttpPipelineBuilder.Build(new ServiceBusRestClientOptions { Transport = new RecordingTransport(seen), Retry = { MaxRetries = 0 } }, policy);

        async Task Call()
        {
            using var message = pipeline.CreateMessage();
            message.Request.Uri.Reset(new Uri("https://contoso.servicebus.windows.net/q/messages"));
            await pipeline.SendAsync(message, CancellationToken.None);
        }

        await Call();
        time.Advance(TimeSpan.FromMinutes(47));
        await Call();
        time.Advance(TimeSpan.FromMinutes(2)); // 49 minutes in: less than 12 minutes left
        await Call();

        Assert.Equal(seen[0], seen[1]);
        Assert.NotEqual(seen[1], seen[2]);
        Assert.Contains("se=1800003600", seen[0]);
    }

    [Fact]
    public async Task The_stand_in_accepts_a_correctly_signed_token()
    {
        await using var bus = await FakeServiceBusServer.StartAsync();
        bus.CreateQueue(Queue);
        await ServiceBusRestClient.FromConnectionString(bus.ConnectionString).SendAsync(Queue, Message("m1"), CancellationToken.None);
        Assert.Equal(1, bus.Queue(Queue).ActiveCount);
    }

    [Fact]
    public async Task A_token_signed_with_the_wrong_key_an_expired_token_or_none_gets_401()
    {
        await using var bus = await FakeServiceBusServer.StartAsync();
        bus.CreateQueue(Queue);
        var wrongKey = bus.ConnectionString.Replace("SharedAccessKey=", "SharedAccessKey=x", StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<ServiceBusRequestException>(() =>
            ServiceBusRestClient.FromConnectionString(wrongKey).SendAsync(Queue, Message("m1"), CancellationToken.None));
        Assert.Equal(401, ex.Status);

        var options = new FakeServiceBusOptions();
        var expired = SharedAccessSignature.Create(bus.Endpoint, options.KeyName, options.Key, DateTimeOffset.UtcNow.AddMinutes(-1));
        using var http = new HttpClient();
        using var withExpired = new HttpRequestMessage(HttpMethod.Post, new Uri(bus.Endpoint, "q/messages")) { Content = new StringContent("{}") };
        withExpired.Headers.TryAddWithoutValidation("Authorization", expired);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(withExpired)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync(new Uri(bus.Endpoint, "q/messages/head?timeout=0"), null)).StatusCode);

        Assert.Equal(0, bus.Queue(Queue).ActiveCount);
        Assert.Equal(3, bus.UnauthorizedRequests);
    }

    [Fact]
    public async Task A_token_for_another_entity_does_not_cover_this_queue()
    {
        await using var bus = await FakeServiceBusServer.StartAsync();
        bus.CreateQueue(Queue);
        var options = new FakeServiceBusOptions();
        var otherEntity = SharedAccessSignature.Create(new Uri(bus.Endpoint, "other"), options.KeyName, options.Key, DateTimeOffset.UtcNow.AddHours(1));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bus.Endpoint, "q/messages")) { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("Authorization", otherEntity);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_microsoft_entra_token_for_the_service_bus_scope_is_sent_as_a_bearer_token()
    {
        await using var bus = await FakeServiceBusServer.StartAsync(new FakeServiceBusOptions { UseHttps = true });
        bus.CreateQueue(Queue);
        var credential = new StaticCredential("fake-entra-token");
        var client = ServiceBusRestClient.FromCredential(bus.Endpoint, credential, TrustingOptions(bus));

        await client.SendAsync(Queue, Message("m1"), CancellationToken.None);
        var received = await client.PeekLockAsync(Queue, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal("m1", received!.Properties.MessageId);
        Assert.Equal([ServiceBusRestClient.EntraScope], credential.RequestedScopes.Distinct());
        var rejected = ServiceBusRestClient.FromCredential(bus.Endpoint, new StaticCredential("someone-elses-token"), TrustingOptions(bus));
        Assert.Equal(401, (await Assert.ThrowsAsync<ServiceBusRequestException>(() => rejected.SendAsync(Queue, Message("m2"), CancellationToken.None))).Status);
    }

    private static ServiceBusRestClientOptions TrustingOptions(FakeServiceBusServer bus) => new()
    {
        // Trust exactly the stand-in's throw-away certificate.
        Transport = new HttpClientTransport(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == bus.CertificateThumbprint,
        }),
    };

    private sealed class StaticCredential(string token) : TokenCredential
    {
        public List<string> RequestedScopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (RequestedScopes) RequestedScopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class RecordingTransport(List<string> seen) : HttpPipelineTransport
    {
        public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

        public override void Process(HttpMessage message) => throw new NotSupportedException();

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            message.Request.Headers.TryGetValue("Authorization", out var auth);
            seen.Add(auth!);
            message.Response = new EmptyResponse();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class EmptyResponse : Response
    {
        public override int Status => 200;
        public override string ReasonPhrase => "OK";
        public override Stream? ContentStream { get; set; }
        public override string ClientRequestId { get; set; } = "";
        public override void Dispose() { }
        protected override bool ContainsHeader(string name) => false;
        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];
        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) { value = null; return false; }
        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values) { values = null; return false; }
    }
}
