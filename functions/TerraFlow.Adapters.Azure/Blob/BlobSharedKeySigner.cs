using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// The Shared Key signature of the Blob service, exactly as documented in "Authorize with Shared Key"
/// (learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key), for versions 2015-02-21 and later:
/// the string to sign is the verb, eleven standard headers (Content-Length empty when zero), the canonicalized
/// x-ms-* headers and the canonicalized resource, joined by '\n'; the signature is Base64(HMAC-SHA256(key, utf8)).
/// Kept pure (no I/O, no clock) so a unit test can pin it to a known-good value.
/// </summary>
internal static class BlobSharedKeySigner
{
    public static string StringToSign(string method, Uri uri, string accountName, IEnumerable<KeyValuePair<string, string>> headers, long? contentLength)
    {
        var list = headers.ToList();
        string Header(string name) => string.Join(",", list.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));

        var length = contentLength is null or 0 ? "" : contentLength.Value.ToString(CultureInfo.InvariantCulture);
        var builder = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(Header("Content-Encoding")).Append('\n')
            .Append(Header("Content-Language")).Append('\n')
            .Append(length).Append('\n')
            .Append(Header("Content-MD5")).Append('\n')
            .Append(Header("Content-Type")).Append('\n')
            .Append(Header("Date")).Append('\n')
            .Append(Header("If-Modified-Since")).Append('\n')
            .Append(Header("If-Match")).Append('\n')
            .Append(Header("If-None-Match")).Append('\n')
            .Append(Header("If-Unmodified-Since")).Append('\n')
            .Append(Header("Range")).Append('\n');
        AppendCanonicalizedHeaders(builder, list);
        AppendCanonicalizedResource(builder, uri, accountName);
        return builder.ToString();
    }

    public static string Sign(string stringToSign, string base64AccountKey)
    {
        var mac = HMACSHA256.HashData(Convert.FromBase64String(base64AccountKey), Encoding.UTF8.GetBytes(stringToSign));
        return Convert.ToBase64String(mac);
    }

    /// <summary>Every x-ms- header: lower-case name, trimmed value, sorted by name, "name:value\n" each.</summary>
    private static void AppendCanonicalizedHeaders(StringBuilder builder, List<KeyValuePair<string, string>> headers)
    {
        var msHeaders = headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .GroupBy(h => h.Key.ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in msHeaders)
        {
            builder.Append(group.Key).Append(':').Append(string.Join(",", group.Select(h => h.Value.Trim()))).Append('\n');
        }
    }

    /// <summary>
    /// "/" + account + the URI's (still encoded) path, then one "\nname:value" line per query parameter, names
    /// lower-cased and sorted, values URL-decoded, several values of one name sorted and joined with ','.
    /// With path-style URLs (Azurite) the account appears twice: "/devstoreaccount1/devstoreaccount1/container/blob".
    /// </summary>
    private static void AppendCanonicalizedResource(StringBuilder builder, Uri uri, string accountName)
    {
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath);
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return;
        }

        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=');
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? "" : pair[(equals + 1)..];
                return (Name: Uri.UnescapeDataString(name).ToLowerInvariant(), Value: Uri.UnescapeDataString(value));
            })
            .GroupBy(p => p.Name)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in parameters)
        {
            builder.Append('\n').Append(group.Key).Append(':')
                .Append(string.Join(",", group.Select(p => p.Value).Order(StringComparer.Ordinal)));
        }
    }
}
