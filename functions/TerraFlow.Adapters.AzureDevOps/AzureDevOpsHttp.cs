using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TerraFlow.Adapters.Http;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// Azure DevOps REST requests (<see cref="VcsRestHttp"/>): a PAT as Basic with an empty user name, or an Entra token
/// as Bearer (passed per request); Azure DevOps error bodies (<c>{"message": …, "typeKey": …}</c>); its throttling
/// answers (429, 503) are transient. Every path gets <c>api-version=7.1</c>.
/// </summary>
internal sealed class AzureDevOpsHttp(HttpClient http, AzureDevOpsOptions options, Func<string, Uri> buildUri, string? pat)
    : VcsRestHttp(http, "Azure DevOps API", path => buildUri(WithApiVersion(path)))
{
    public const string ApiVersion = "7.1";

    public AzureDevOpsOptions Options => options;

    protected override void AddHeaders(HttpRequestHeaders headers, string? bearer)
    {
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (bearer is not null)
            headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        else if (pat is not null)
            headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + pat)));
    }

    protected override string? ErrorMessage(string body)
    {
        var error = JsonSerializer.Deserialize(body, AzureDevOpsJsonContext.Default.AzDoError);
        return error?.Message is { Length: > 0 } m ? (error.TypeKey is { Length: > 0 } k ? $"{m} ({k})" : m) : null;
    }

    public static string WithApiVersion(string path) =>
        path.Contains("api-version=", StringComparison.Ordinal) ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "api-version=" + ApiVersion;
}
