using System.Net;
using System.Security.Cryptography;
using System.Text;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// Service Bus shared access signatures: <c>SharedAccessSignature sr={uri}&amp;sig={sig}&amp;se={expiry}&amp;skn={name}</c>
/// where sig = base64(HMAC-SHA256(UTF-8 key, url-encoded uri + "\n" + expiry)), all url-encoded.
/// </summary>
public static class SharedAccessSignature
{
    public static string Create(Uri resource, string keyName, string key, DateTimeOffset expiresAt)
    {
        var encodedResource = WebUtility.UrlEncode(resource.AbsoluteUri);
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Sign(key, encodedResource, expiry);
        return $"SharedAccessSignature sr={encodedResource}&sig={WebUtility.UrlEncode(signature)}&se={expiry}&skn={WebUtility.UrlEncode(keyName)}";
    }

    /// <summary>The signature over an already url-encoded resource; public so that the local stand-in checks the same way.</summary>
    public static string Sign(string key, string encodedResource, string expiry)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry));
        return Convert.ToBase64String(mac);
    }
}

/// <summary>
/// Adds a SAS token for the namespace to every request. The token is cached and replaced when less than a fifth of
/// its lifetime is left, so a busy runner signs once an hour instead of once per call.
/// </summary>
public sealed class SharedAccessSignaturePolicy(ServiceBusConnectionString connection, TimeProvider time, TimeSpan? lifetime = null)
    : HttpPipelineSynchronousPolicy
{
    private readonly TimeSpan _lifetime = lifetime ?? TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private (string Token, DateTimeOffset RefreshAt)? _cached;

    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, CurrentToken());

    private string CurrentToken()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_cached is { } c && now < c.RefreshAt) return c.Token;
            var expires = now + _lifetime;
            var token = SharedAccessSignature.Create(connection.Endpoint, connection.KeyName, connection.Key, expires);
            _cached = (token, expires - _lifetime / 5);
            return token;
        }
    }
}
