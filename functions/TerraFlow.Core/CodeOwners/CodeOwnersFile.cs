using System.Text.RegularExpressions;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.CodeOwners;

/// <summary>One usable CODEOWNERS line. <see cref="Owners"/> may be empty: the host reads that as "nobody owns these".</summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Owners">Host handles as written: <c>@user</c> or <c>@org/team</c>.</param>
/// <param name="Emails">Owners given as e-mail addresses; kept apart because approvals are matched by login.</param>
public sealed record CodeOwnersRule(int Line, CodeOwnersPattern Pattern, IReadOnlyList<string> Owners, IReadOnlyList<string> Emails);

/// <summary>A line the host would flag as an error; it is skipped, the rest of the file still applies.</summary>
public sealed record CodeOwnersProblem(int Line, string Message);

/// <summary>
/// A parsed CODEOWNERS file (the syntax the VCS hosts share). Comments start with '#', also after the owners; each other line is a
/// pattern followed by owners; the last matching line decides. A malformed line is reported in
/// <see cref="Problems"/> and ignored, never fatal, because the hosts treat it the same way.
/// </summary>
public sealed partial class CodeOwnersFile
{
    /// <summary>A CODEOWNERS file larger than 3 MB is ignored (the hosts ignore it too).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Most rules read; a file with more is refused as a whole (<see cref="LimitError"/>). Matching costs at most
    /// rules × changed files automaton runs (about 1.7 s of CPU per 100 files at this limit with rules built to defeat
    /// the index; 46 ms for 50,000 ordinary directory rules), and discovery's time limit bounds the rest.
    /// </summary>
    public const int MaxRules = 50_000;

    // Rules that can only match paths starting with a given directory, by that directory (rule indexes, ascending),
    // and the rest; a path is tested against the buckets of its ancestor directories (and itself) and the rest only.
    private readonly Dictionary<string, int[]> _byLeadingSegment;
    private readonly int[] _anywhere;

    private CodeOwnersFile(IReadOnlyList<CodeOwnersRule> rules, IReadOnlyList<CodeOwnersProblem> problems, CodeOwnersProblem? limitError = null)
    {
        Rules = rules;
        Problems = problems;
        LimitError = limitError;
        _byLeadingSegment = rules.Select((rule, index) => (rule.Pattern.LeadingLiteral, index))
            .Where(r => r.LeadingLiteral is not null)
            .GroupBy(r => r.LeadingLiteral!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.index).ToArray(), StringComparer.Ordinal);
        _anywhere = rules.Select((rule, index) => (rule, index)).Where(r => r.rule.Pattern.LeadingLiteral is null).Select(r => r.index).ToArray();
    }

    public static CodeOwnersFile Empty { get; } = new([], []);

    /// <summary>
    /// Set when the file exceeds a bound (<see cref="MaxRules"/>, <see cref="CodeOwnersPattern.MaxLength"/>); the file
    /// then has no rules, and discovery reports this as a configuration error rather than guessing owners.
    /// </summary>
    public CodeOwnersProblem? LimitError { get; }

    /// <summary>Usable lines, in file order.</summary>
    public IReadOnlyList<CodeOwnersRule> Rules { get; }

    public IReadOnlyList<CodeOwnersProblem> Problems { get; }

    /// <summary>
    /// Reads the first of <paramref name="locations"/> present in <paramref name="repo"/>; null when there is none.
    /// Each VCS host has its own list and order (the adapters know them): the first file found is the only one used.
    /// </summary>
    public static CodeOwnersFile? Load(IRepositorySnapshot repo, IReadOnlyList<string> locations)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(locations);
        var files = repo.Files as ICollection<string> ?? repo.Files.ToHashSet(StringComparer.Ordinal);
        var path = locations.FirstOrDefault(files.Contains);
        return path is null ? null : Parse(repo.ReadAllText(path));
    }

    /// <param name="ct">Checked every thousand lines: a large file is real work, and a stopping discover job must let go.</param>
    public static CodeOwnersFile Parse(string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxBytes)
            return new CodeOwnersFile([], [new CodeOwnersProblem(0, "CODEOWNERS is larger than 3 MB; the VCS host ignores it")]);

        var rules = new List<CodeOwnersRule>();
        var problems = new List<CodeOwnersProblem>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i % 1024 == 0) ct.ThrowIfCancellationRequested();
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (rules.Count == MaxRules)
                return new CodeOwnersFile([], [], new CodeOwnersProblem(i + 1, $"CODEOWNERS has more than {MaxRules:N0} rules"));
            var patternLength = line.AsSpan().IndexOfAny(' ', '\t') is var end and >= 0 ? end : line.Length;
            if (patternLength > CodeOwnersPattern.MaxLength)
                return new CodeOwnersFile([], [], new CodeOwnersProblem(i + 1,
                    $"the pattern is {patternLength:N0} characters long; at most {CodeOwnersPattern.MaxLength:N0} are allowed"));
            if (ParseLine(i + 1, line, out var problem) is { } rule) rules.Add(rule);
            else problems.Add(new CodeOwnersProblem(i + 1, problem!));
        }
        return new CodeOwnersFile(rules, problems);
    }

    /// <summary>The rule that decides <paramref name="path"/> (the last matching one), or null when none matches.</summary>
    public CodeOwnersRule? RuleFor(string path)
    {
        var normalized = Normalize(path);
        var candidates = new List<int[]> { _anywhere };
        var lookup = _byLeadingSegment.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var end = normalized.IndexOf('/'); ; end = normalized.IndexOf('/', end + 1))
        {
            if (lookup.TryGetValue(end < 0 ? normalized : normalized.AsSpan(0, end), out var bucket)) candidates.Add(bucket);
            if (end < 0) break;
        }
        // Walk the candidate lists from their ends, highest rule index first, so the last matching line still wins.
        var next = candidates.Select(c => c.Length - 1).ToArray();
        while (true)
        {
            var best = -1;
            for (var c = 0; c < candidates.Count; c++)
            {
                if (next[c] >= 0 && (best < 0 || candidates[c][next[c]] > candidates[best][next[best]])) best = c;
            }
            if (best < 0) return null;
            var index = candidates[best][next[best]--];
            if (Rules[index].Pattern.IsMatch(normalized)) return Rules[index];
        }
    }

    /// <summary>The <c>@user</c>/<c>@org/team</c> owners of a repository-relative file; empty when unowned.</summary>
    public IReadOnlyList<string> OwnersOf(string path) => RuleFor(path)?.Owners ?? [];

    private static CodeOwnersRule? ParseLine(int number, string line, out string? problem)
    {
        var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (!CodeOwnersPattern.TryCompile(words[0], out var pattern, out problem)) return null;

        var owners = new List<string>();
        var emails = new List<string>();
        foreach (var word in words.Skip(1))
        {
            if (word[0] == '#') break; // inline comment
            if (Handle().IsMatch(word)) owners.Add(word);
            else if (Email().IsMatch(word)) emails.Add(word);
            else
            {
                problem = $"'{word}' is not a valid owner (use @user, @org/team or an e-mail address)";
                return null;
            }
        }
        return new CodeOwnersRule(number, pattern!, owners, emails);
    }

    private static string Normalize(string path)
    {
        path = path.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        return path.TrimStart('/');
    }

    // Logins: letters, digits and hyphens; team (group) paths also allow '_' and '.'.
    [GeneratedRegex(@"\A@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Handle();

    [GeneratedRegex(@"\A[^@\s]+@[^@\s]+\.[^@\s]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
