using System.Xml.Linq;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>One page of List Blobs: the names on it and the marker of the next page (null on the last page).</summary>
internal sealed record BlobListPage(IReadOnlyList<string> Names, string? NextMarker);

/// <summary>
/// Reads the List Blobs response body:
/// &lt;EnumerationResults&gt;&lt;Blobs&gt;&lt;Blob&gt;&lt;Name&gt;..&lt;/Name&gt;..&lt;/Blob&gt;&lt;/Blobs&gt;&lt;NextMarker&gt;..&lt;/NextMarker&gt;&lt;/EnumerationResults&gt;.
/// A name the service could not put in XML as-is comes as &lt;Name Encoded="true"&gt; with the name URL-encoded.
/// </summary>
internal static class BlobListXml
{
    public static async Task<BlobListPage> ParseAsync(Stream body, CancellationToken ct)
    {
        var document = await XDocument.LoadAsync(body, LoadOptions.None, ct);
        return Parse(document);
    }

    public static BlobListPage Parse(XDocument document)
    {
        var root = document.Root ?? throw new FormatException("List Blobs answered with an empty document.");
        var names = new List<string>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var name = blob.Element("Name") ?? throw new FormatException("List Blobs answered with a <Blob> without <Name>.");
            var encoded = string.Equals((string?)name.Attribute("Encoded"), "true", StringComparison.OrdinalIgnoreCase);
            names.Add(encoded ? Uri.UnescapeDataString(name.Value) : name.Value);
        }

        var next = root.Element("NextMarker")?.Value;
        return new BlobListPage(names, string.IsNullOrEmpty(next) ? null : next);
    }
}
