using System.Text.RegularExpressions;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Security.Fuzz;

/// <summary>One real payload from the shared fixtures and the event header it was delivered with.</summary>
internal sealed record FuzzSeedPayload(string Provider, string EventName, string File, byte[] Body);

/// <summary>
/// The fuzz corpus: every GitHub pull_request / issue_comment / pull_request_review and every GitLab Merge Request /
/// Note Hook payload the shared fixtures' MANIFEST lists, with the event header the MANIFEST names (the event travels
/// in a header, never in the body).
/// </summary>
internal static partial class FuzzCorpus
{
    public const string GitHub = "github";
    public const string GitLab = "gitlab";

    private static readonly string[] GitHubEvents = ["pull_request", "issue_comment", "pull_request_review"];
    private static readonly string[] GitLabEvents = ["Merge Request Hook", "Note Hook"];

    public static IReadOnlyList<FuzzSeedPayload> Load(string provider)
    {
        var manifest = File.ReadAllLines(Path.Combine(RepoPaths.SharedFixtures, "MANIFEST.md"));
        var seeds = new List<FuzzSeedPayload>();
        foreach (var line in manifest)
        {
            var row = Row().Match(line);
            if (!row.Success) continue;
            var (file, header, eventName) = (row.Groups["file"].Value, row.Groups["header"].Value, row.Groups["event"].Value);
            var wanted = provider == GitHub
                ? header == "X-GitHub-Event" && GitHubEvents.Contains(eventName)
                : header == "X-Gitlab-Event" && GitLabEvents.Contains(eventName);
            if (wanted) seeds.Add(new FuzzSeedPayload(provider, eventName, file, File.ReadAllBytes(Path.Combine(RepoPaths.SharedFixtures, file))));
        }
        if (seeds.Count < 5)
            throw new InvalidOperationException($"Only {seeds.Count} {provider} payloads found through {RepoPaths.SharedFixtures}/MANIFEST.md; the fuzz corpus needs the shared fixtures.");
        return seeds;
    }

    [GeneratedRegex(@"^\| `(?<file>[^`]+\.json)` \|.*\((?<header>X-GitHub-Event|X-Gitlab-Event): (?<event>[^)]+)\)")]
    private static partial Regex Row();
}
