using System.Globalization;
using TerraFlow.Application.Queries;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The runs list's query string, shared by <c>GET /api/runs</c> and the runs page: <c>repository</c> (owner/name),
/// <c>pull_request</c>, <c>trigger</c> (pull_request, drift or schedule, manual), <c>status</c>, <c>before</c> (a run id,
/// for the next page), <c>limit</c> (1–200, default 50). Empty values mean "any".
/// </summary>
internal static class RunListQuery
{
    public static (RunListFilter? Filter, string? Error) Parse(IQueryCollection q)
    {
        static string? Value(IQueryCollection q, string name) => q.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

        var repository = Value(q, "repository");
        if (repository is { Length: > 300 }) return (null, "repository is too long");
        int? pr = null;
        if (Value(q, "pull_request") is { } prText)
        {
            if (!int.TryParse(prText.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return (null, "pull_request must be a positive number");
            pr = n;
        }
        string? trigger = null;
        if (Value(q, "trigger") is { } t && (trigger = RunTriggers.Normalize(t)) is null) return (null, "trigger must be pull_request, drift (schedule) or manual");
        var status = Value(q, "status");
        if (status is not null && (status.Length > 40 || !status.All(c => c is >= 'a' and <= 'z' or '_'))) return (null, "status must be a run status such as planned or failed");
        long? before = null;
        if (Value(q, "before") is { } b)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0) return (null, "before must be a run id");
            before = id;
        }
        var limit = RunListFilter.DefaultLimit;
        if (Value(q, "limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > RunListFilter.MaxLimit))
            return (null, $"limit must be between 1 and {RunListFilter.MaxLimit}");
        return (new RunListFilter(repository, pr, trigger, status, before, limit), null);
    }

    /// <summary>The same filter as a query string (without <c>before</c>), for the next-page link.</summary>
    public static string ToQuery(RunListFilter f, long? before)
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("repository", f.Repository);
        Add("pull_request", f.PullRequest?.ToString(CultureInfo.InvariantCulture));
        Add("trigger", f.Trigger);
        Add("status", f.Status);
        if (f.Limit != RunListFilter.DefaultLimit) Add("limit", f.Limit.ToString(CultureInfo.InvariantCulture));
        Add("before", before?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
