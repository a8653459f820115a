using System.Xml.Linq;
using TerraFlow.Adapters.Azure.Blob;

namespace TerraFlow.Adapters.Tests.Artifacts;

public sealed class BlobConnectionStringTests
{
    [Fact]
    public void Standard_connection_string_without_endpoint_points_at_the_public_cloud()
    {
        var parsed = BlobConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=tfstate;AccountKey=a2V5PT0=;EndpointSuffix=core.windows.net");
        Assert.Equal(new Uri("https://tfstate.blob.core.windows.net"), parsed.BlobEndpoint);
        Assert.Equal("tfstate", parsed.AccountName);
        Assert.Equal("a2V5PT0=", parsed.AccountKey);
        Assert.DoesNotContain("a2V5PT0=", parsed.ToString());
    }

    [Fact]
    public void Explicit_blob_endpoint_wins_and_development_storage_means_azurite_defaults()
    {
        var parsed = BlobConnectionString.Parse("AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:12345/devstoreaccount1;");
        Assert.Equal(new Uri("http://127.0.0.1:12345/devstoreaccount1"), parsed.BlobEndpoint);

        var dev = BlobConnectionString.Parse("UseDevelopmentStorage=true");
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), dev.BlobEndpoint);
        Assert.Equal(BlobConnectionString.DevelopmentAccountKey, dev.AccountKey);
    }

    [Fact]
    public void Connection_string_without_a_key_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<FormatException>(() => BlobConnectionString.Parse("AccountName=x;SharedAccessSignature=sv=secret"));
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void List_Blobs_xml_yields_names_decoded_and_the_next_marker()
    {
        var page = BlobListXml.Parse(XDocument.Parse(
            "<EnumerationResults><Blobs><Blob><Name>runs/1/a</Name></Blob><Blob><Name Encoded=\"true\">runs/1/%EF%BF%BE</Name></Blob></Blobs>" +
            "<NextMarker>2!abc</NextMarker></EnumerationResults>"));
        Assert.Equal(["runs/1/a", "runs/1/\uFFFE"], page.Names);
        Assert.Equal("2!abc", page.NextMarker);

        var last = BlobListXml.Parse(XDocument.Parse("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>"));
        Assert.Empty(last.Names);
        Assert.Null(last.NextMarker);
    }
}
