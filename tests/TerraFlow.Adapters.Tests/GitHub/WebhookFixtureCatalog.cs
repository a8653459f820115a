using System.Text.RegularExpressions;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>
/// Reads the fixture MANIFEST.md so the parser is checked against every GitHub payload it lists, not a hand-picked few.
/// Rows look like: | `path` | ... | GitHub webhook payload (X-GitHub-Event: pull_request), action=opened, ... |
/// </summary>
internal static partial class WebhookFixtureCatalog
{
    public static readonly string[] HandledEvents = ["pull_request", "issue_comment", "pull_request_review", "installation", "ping"];

    public static IReadOnlyList<(string Path, string Event)> GitHubPayloads()
    {
        var manifest = File.ReadAllLines(ExternalFixtures.PathOf("MANIFEST.md"));
        var rows = new List<(string, string)>();
        foreach (var line in manifest)
        {
            var match = Row().Match(line);
            if (match.Success) rows.Add((match.Groups["path"].Value, match.Groups["event"].Value));
        }
        return rows;
    }

    public static TheoryData<string, string> HandledPayloads()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, eventName) in GitHubPayloads().Where(r => HandledEvents.Contains(r.Event)))
            data.Add(path, eventName);
        return data;
    }

    public static TheoryData<string, string> OtherPayloads()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, eventName) in GitHubPayloads().Where(r => !HandledEvents.Contains(r.Event)))
            data.Add(path, eventName);
        return data;
    }

    [GeneratedRegex(@"^\| `(?<path>[^`]+)` \|.*\| GitHub webhook payload \(X-GitHub-Event: (?<event>[a-z_]+)")]
    private static partial Regex Row();
}
