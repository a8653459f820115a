using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Tests.GitHub;
using YamlDotNet.RepresentationModel;

namespace TerraFlow.Adapters.Tests.AzureDevOps;

/// <summary>A real Azure DevOps REST response body, verbatim, with the status it was answered with.</summary>
internal sealed record RealResponse(string Source, int Status, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Reads real REST responses from ../shared/fixtures/external/azure-devops (see the MANIFEST's "azure-devops" section)
/// in each source's own format: plain bodies (drone-go-scm), vsts-rest-api-specs exchanges (responses.&lt;code&gt;.body),
/// raw HTTP (danger) and vcrpy cassettes (azure-devops-cli-extension). Nothing is copied into the repository.
/// </summary>
internal static class AzureDevOpsRealResponses
{
    public const string Drone = "drone-go-scm/scm/driver/azure/testdata/";
    public const string Specs = "vsts-rest-api-specs/specification/git/7.1/httpExamples/";
    public const string Danger = "danger/spec/fixtures/vsts_api/";
    public const string CliPullRequests = "azure-devops-cli-extension/azure-devops/azext_devops/tests/latest/integrationtests/recordings/test_pull_request_createUpdateVoteListAbandonReactivateCompleteReviewers.yaml";

    private static string Text(string relative) => System.Text.Encoding.UTF8.GetString(ExternalFixtures.Bytes("azure-devops/" + relative));

    /// <summary>A file whose whole content is the response body.</summary>
    public static RealResponse Plain(string relative) => new(relative, 200, Text(relative));

    /// <summary>A vsts-rest-api-specs exchange: the body of its (only) response, as the raw JSON text it holds.</summary>
    public static RealResponse Spec(string relative)
    {
        using var doc = JsonDocument.Parse(Text(Specs + relative));
        var response = doc.RootElement.GetProperty("responses").EnumerateObject().Single();
        return new(Specs + relative, int.Parse(response.Name, System.Globalization.CultureInfo.InvariantCulture), response.Value.GetProperty("body").GetRawText());
    }

    /// <summary>A danger raw HTTP file: status line, blank line, body.</summary>
    public static RealResponse RawHttp(string relative)
    {
        var text = Text(Danger + relative).Replace("\r\n", "\n", StringComparison.Ordinal);
        var status = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new(Danger + relative, status, text[(text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]);
    }

    /// <summary>The first response in the Azure CLI cassette whose request URI contains <paramref name="uriPart"/> (case-insensitive).</summary>
    public static RealResponse Cassette(string uriPart)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Text(CliPullRequests)));
        var interactions = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["interactions"];
        foreach (var node in interactions.Cast<YamlMappingNode>())
        {
            var uri = ((YamlScalarNode)((YamlMappingNode)node["request"])["uri"]).Value ?? "";
            if (!uri.Contains(uriPart, StringComparison.OrdinalIgnoreCase)) continue;
            var response = (YamlMappingNode)node["response"];
            var code = ((YamlScalarNode)((YamlMappingNode)response["status"])["code"]).Value!;
            var body = ((YamlScalarNode)((YamlMappingNode)response["body"])["string"]).Value!;
            return new(CliPullRequests + " " + uriPart, int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), body);
        }
        throw new InvalidOperationException($"No interaction for '{uriPart}' in {CliPullRequests}.");
    }
}

/// <summary>
/// Answers requests on 127.0.0.1 (port 0) with real response bodies, verbatim, chosen by method and a path pattern
/// (case-insensitive, as Azure DevOps compares paths); anything unrouted is a 404 the test sees as a failure.
/// </summary>
internal sealed class AzureDevOpsReplayServer : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, string Query, string Body);

    private readonly List<(string Method, Regex Path, RealResponse Response)> _routes = [];
    private readonly List<Request> _requests = [];
    private readonly WebApplication _app;

    private AzureDevOpsReplayServer(WebApplication app) => _app = app;

    public string RootUrl { get; private set; } = "";

    public string OrganizationUrl => RootUrl + "/fabrikam";

    public IReadOnlyList<Request> Requests { get { lock (_requests) return [.. _requests]; } }

    public static async Task<AzureDevOpsReplayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new AzureDevOpsReplayServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.RootUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return server;
    }

    /// <summary>Answers <paramref name="method"/> requests whose path (after the organization) matches <paramref name="pathPattern"/>.</summary>
    public AzureDevOpsReplayServer On(string method, string pathPattern, RealResponse response)
    {
        lock (_routes) _routes.Add((method, new Regex("^/fabrikam" + pathPattern + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), response));
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
            body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        lock (_requests) _requests.Add(new Request(context.Request.Method, path, context.Request.QueryString.Value ?? "", body));
        RealResponse? match;
        lock (_routes) match = _routes.LastOrDefault(r => r.Method == context.Request.Method && r.Path.IsMatch(path)).Response;
        if (match is null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.StatusCode = match.Status;
        context.Response.ContentType = "application/json; charset=utf-8; api-version=7.1";
        await context.Response.WriteAsync(match.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
