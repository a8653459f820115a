using System.Xml.Linq;
using global::Azure;
using global::Azure.Core;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// The Blob service reports errors as the x-ms-error-code header plus an XML body
/// (&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;); Azure.Core's default parser only understands JSON bodies, so without
/// this <see cref="RequestFailedException.ErrorCode"/> would be null and "ContainerNotFound" unrecognizable.
/// </summary>
internal sealed class BlobErrorParser : RequestFailedDetailsParser
{
    public static readonly BlobErrorParser Instance = new();

    public static RequestFailedException Fail(Response response) => new(response, innerException: null, detailsParser: Instance);

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        string? message = null;
        try
        {
            if (response.Content is { } content && content.ToMemory().Length > 0)
            {
                var root = XDocument.Parse(content.ToString()).Root;
                code ??= root?.Element("Code")?.Value;
                message = root?.Element("Message")?.Value;
            }
        }
        catch (Exception e) when (e is System.Xml.XmlException or InvalidOperationException)
        {
            // Not XML (e.g. a proxy's HTML page): the status and header code are still reported.
        }

        error = new ResponseError(code, message ?? response.ReasonPhrase);
        return true;
    }
}
