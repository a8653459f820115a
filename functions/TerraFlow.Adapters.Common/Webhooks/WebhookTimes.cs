using System.Globalization;

namespace TerraFlow.Adapters.Webhooks;

/// <summary>Timestamps in webhook payloads: ISO 8601 (GitHub, newer GitLab) or GitLab's older "2024-01-02 03:04:05 UTC".</summary>
internal static class WebhookTimes
{
    /// <summary>The time at <paramref name="path"/>, or null when absent or unreadable: it only narrows what a command may do.</summary>
    public static DateTimeOffset? Optional(WebhookJson json, string path)
    {
        var value = json.Find(path);
        if (value is not { ValueKind: System.Text.Json.JsonValueKind.String } v) return null;
        var text = v.GetString()!;
        if (text.EndsWith(" UTC", StringComparison.Ordinal)) text = text[..^4] + "Z";
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
    }
}
