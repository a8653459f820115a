using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TerraFlow.Adapters.Http;

/// <summary>Reads a successful REST answer's JSON body for the VCS clients.</summary>
internal static class JsonResponses
{
    /// <param name="api">Names the API in messages, e.g. "GitHub API".</param>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string api, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct).ConfigureAwait(false)
                ?? throw new HttpRequestException($"{api} returned an empty body for {response.RequestMessage?.RequestUri?.AbsolutePath}.");
        }
        catch (JsonException ex)
        {
            // A garbled success body is most likely a proxy, outage or maintenance page: an HttpRequestException, so it is retried.
            throw new HttpRequestException($"{api} returned unreadable JSON for {response.RequestMessage?.RequestUri?.AbsolutePath}.", ex);
        }
    }
}
