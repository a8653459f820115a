using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TerraFlow.Core.Drift;

namespace TerraFlow.Adapters.Drift;

/// <summary>
/// Which drift events the webhook sends, and their JSON. Only changes are sent, never "still drifted":
/// <c>drift.detected</c> (a check found drift, the one before did not), <c>drift.resolved</c> (a clean check after a
/// drifted or failed one), <c>drift.check_failed</c> (a check failed, the one before did not).
/// </summary>
public static class DriftWebhookPayload
{
    private const int MaxResources = 100;
    private const int MaxFailureLength = 2_000;

    /// <summary>The event of <paramref name="result"/>, or null when it is no change worth a message.</summary>
    public static string? EventOf(DriftCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (result.State, result.PreviousState) switch
        {
            (DriftState.Drifted, not DriftState.Drifted) => "drift.detected",
            (DriftState.Clean, DriftState.Drifted or DriftState.Failed) => "drift.resolved",
            (DriftState.Failed, not DriftState.Failed) => "drift.check_failed",
            _ => null,
        };
    }

    /// <summary>
    /// The delivery id: the same for every attempt of one event of one check (a GUID derived from project, run and
    /// event), so a receiver can drop a retried delivery it already handled.
    /// </summary>
    public static string DeliveryId(DriftCheckResult result, string eventName)
    {
        ArgumentNullException.ThrowIfNull(result);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"terraflow-drift:{result.Project.Id}:{result.RunId}:{eventName}")));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }

    public static byte[] Serialize(DriftCheckResult result, string eventName, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(result);
        var repo = result.Repository;
        var resources = new JsonArray(result.Resources.Take(MaxResources)
            .Select(r => (JsonNode)new JsonObject { ["address"] = r.Address, ["action"] = r.Action }).ToArray());
        var json = new JsonObject
        {
            ["event"] = eventName,
            ["delivery_id"] = deliveryId,
            ["text"] = Text(result, eventName),
            ["state"] = StateName(result.State),
            ["previous_state"] = StateName(result.PreviousState),
            ["repository"] = new JsonObject { ["provider"] = repo.Provider, ["full_name"] = repo.Repo.FullName },
            ["project"] = new JsonObject
            {
                ["id"] = result.Project.Id,
                ["name"] = result.Project.Name,
                ["dir"] = result.Project.Dir,
                ["workspace"] = result.Project.Workspace,
            },
            ["run"] = new JsonObject { ["id"] = result.RunId, ["url"] = result.RunUrl, ["commit_sha"] = result.CommitSha },
            ["checked_at"] = result.CheckedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["first_detected_at"] = result.FirstDetectedAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["counts"] = result.Counts is { } c
                ? new JsonObject
                {
                    ["add"] = c.Add, ["change"] = c.Change, ["destroy"] = c.Destroy, ["replace"] = c.Replace,
                    ["import"] = c.Import, ["move"] = c.Move, ["forget"] = c.Forget, ["read"] = c.Read,
                }
                : null,
            ["resources"] = resources,
            ["resources_total"] = result.Resources.Count,
            ["failure"] = result.Failure is { } f ? Shorten(f, MaxFailureLength) : null,
            ["lock_holder"] = result.LockHolder,
        };
        return Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    /// <summary>One line a Slack/Teams relay can post as it is.</summary>
    private static string Text(DriftCheckResult result, string eventName)
    {
        var where = $"{result.Project.Name} ({result.Repository.Repo.FullName})";
        var link = result.RunUrl is null ? "" : " " + result.RunUrl;
        return eventName switch
        {
            "drift.detected" => $"Drift detected in {where}: {(result.Counts is { } c ? Counts(c) : "changes planned")}.{link}",
            "drift.resolved" => $"No drift in {where} any more.{link}",
            _ => $"Drift check failed for {where}.{link}",
        };
    }

    private static string Counts(Core.Plans.PlanCounts c)
    {
        var parts = new List<string>();
        if (c.Import > 0) parts.Add($"{c.Import} to import");
        if (c.Add > 0) parts.Add($"{c.Add} to add");
        if (c.Change > 0) parts.Add($"{c.Change} to change");
        if (c.Destroy > 0) parts.Add($"{c.Destroy} to destroy");
        if (c.Replace > 0) parts.Add($"{c.Replace} to replace");
        if (c.Forget > 0) parts.Add($"{c.Forget} to forget");
        if (c.Move > 0) parts.Add($"{c.Move} to move");
        return parts.Count == 0 ? "changes planned" : string.Join(", ", parts);
    }

    private static string StateName(DriftState state) => state switch
    {
        DriftState.Clean => "clean",
        DriftState.Drifted => "drifted",
        DriftState.Failed => "failed",
        _ => "never",
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
