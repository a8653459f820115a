using TerraFlow.Adapters.Azure.Blob;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>
/// Pins the Shared Key signature to known-good values. The expected strings were written by hand from the
/// "Authorize with Shared Key" page and the signatures computed independently (Python hmac/sha256/base64 over those
/// strings with Azurite's dev key); AzureBlobArtifactStoreTests cross-checks the same code against Azurite.
/// </summary>
public sealed class BlobSharedKeySignerTests
{
    private const string DevKey = BlobConnectionString.DevelopmentAccountKey;
    private const string Date = "Sun, 22 Nov 2026 08:00:00 GMT";

    [Fact]
    public void Put_Blob_signature_matches_the_documented_string_to_sign()
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/octet-stream",
            ["If-None-Match"] = "*",
            ["x-ms-version"] = "2024-11-04",
            ["x-ms-date"] = Date,
            ["X-MS-Meta-Owner"] = "  team a ",   // name lower-cased, value trimmed
            ["x-ms-blob-type"] = "BlockBlob",
            ["User-Agent"] = "not signed",
        };
        var uri = new Uri("http://127.0.0.1:10000/devstoreaccount1/artifacts/runs/1/plan%20a.json");

        var stringToSign = BlobSharedKeySigner.StringToSign("PUT", uri, "devstoreaccount1", headers, contentLength: 11);

        Assert.Equal(
            "PUT\n\n\n11\n\napplication/octet-stream\n\n\n\n*\n\n\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:" + Date + "\nx-ms-meta-owner:team a\nx-ms-version:2024-11-04\n" +
            "/devstoreaccount1/devstoreaccount1/artifacts/runs/1/plan%20a.json",
            stringToSign);
        Assert.Equal("wdVv9uGcGV7YDFR9nK6wBWvvQ6gDK7UBqew5SCzsFNE=", BlobSharedKeySigner.Sign(stringToSign, DevKey));
    }

    [Fact]
    public void List_Blobs_signature_sorts_and_decodes_query_parameters_and_leaves_zero_length_empty()
    {
        var headers = new Dictionary<string, string> { ["x-ms-date"] = Date, ["x-ms-version"] = "2024-11-04" };
        var uri = new Uri("http://127.0.0.1:10000/devstoreaccount1/artifacts?restype=container&comp=list&prefix=runs%2F1%2F&maxresults=7");

        var stringToSign = BlobSharedKeySigner.StringToSign("GET", uri, "devstoreaccount1", headers, contentLength: 0);

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:" + Date + "\nx-ms-version:2024-11-04\n" +
            "/devstoreaccount1/devstoreaccount1/artifacts\ncomp:list\nmaxresults:7\nprefix:runs/1/\nrestype:container",
            stringToSign);
        Assert.Equal("uQViARlurESknXVNa4K2YlyQFMIfppshGVytRGmYJlA=", BlobSharedKeySigner.Sign(stringToSign, DevKey));
    }
}
