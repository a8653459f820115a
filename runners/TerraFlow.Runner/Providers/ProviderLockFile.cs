using System.Text.RegularExpressions;

namespace TerraFlow.Runner.Providers;

/// <summary>A provider source address, fully qualified (<c>registry.terraform.io/hashicorp/aws</c>).</summary>
public sealed record ProviderAddress(string Host, string Namespace, string Type)
{
    public override string ToString() => $"{Host}/{Namespace}/{Type}";
}

/// <summary>One <c>provider</c> block of a project's <c>.terraform.lock.hcl</c>: the selected version and its hashes.</summary>
public sealed record LockedProvider(ProviderAddress Address, string Version, IReadOnlyList<string> Hashes)
{
    /// <summary>The <c>h1:</c> hashes (content of the unpacked package, one per platform someone locked).</summary>
    public IEnumerable<string> H1Hashes => Hashes.Where(h => h.StartsWith("h1:", StringComparison.Ordinal));
}

/// <summary>
/// Reads a project's dependency lock file (<c>.terraform.lock.hcl</c>, written by <c>terraform init</c> /
/// <c>providers lock</c>). The file comes from the pull request, so it is untrusted: it only tells the runner which
/// providers and versions the project pins and which hashes it accepts. Everything is checked strictly (addresses,
/// versions, hash syntax), since address parts and versions become folder names in the cache; a block that does not
/// pass is left out, which only means that provider is not served from the cache (Terraform reads the file itself
/// and reports what is wrong with it). Matching is linear (non-backtracking regular expressions).
/// </summary>
public static class ProviderLockFile
{
    /// <summary>Larger files are not read for the cache (Terraform still reads them).</summary>
    public const int MaxBytes = 1024 * 1024;

    public const int MaxProviders = 500;

    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly Regex Block = new("provider[ \\t]+\"(?<address>[^\"\\n]{1,300})\"[ \\t]*\\{(?<body>[^{}]*)\\}", Options);
    private static readonly Regex VersionLine = new("(^|\\n)[ \\t]*version[ \\t]*=[ \\t]*\"(?<v>[^\"\\n]{0,100})\"", Options);
    private static readonly Regex HashList = new("(^|\\n)[ \\t]*hashes[ \\t]*=[ \\t]*\\[(?<list>[^\\]]*)\\]", Options);
    private static readonly Regex QuotedString = new("\"(?<s>[^\"\\n]{0,200})\"", Options);

    private static readonly Regex HostPattern = new("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$", Options);
    private static readonly Regex NamePattern = new("^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$", Options);
    private static readonly Regex VersionPattern = new("^[0-9]{1,9}\\.[0-9]{1,9}\\.[0-9]{1,9}(-[0-9A-Za-z.-]{1,40})?$", Options);
    private static readonly Regex H1Pattern = new("^h1:[A-Za-z0-9+/]{43}=$", Options);
    private static readonly Regex ZhPattern = new("^zh:[0-9a-f]{64}$", Options);

    public static IReadOnlyList<LockedProvider> Parse(string text)
    {
        if (text.Length > MaxBytes) return [];
        var result = new List<LockedProvider>();
        foreach (Match block in Block.Matches(text))
        {
            if (result.Count == MaxProviders) break;
            if (ParseAddress(block.Groups["address"].Value) is not { } address) continue;
            var body = block.Groups["body"].Value;
            var version = VersionLine.Match(body) is { Success: true } v ? v.Groups["v"].Value : "";
            if (!IsVersion(version)) continue;
            var hashes = new List<string>();
            if (HashList.Match(body) is { Success: true } list)
                foreach (Match s in QuotedString.Matches(list.Groups["list"].Value))
                    if (IsHash(s.Groups["s"].Value) && hashes.Count < 100) hashes.Add(s.Groups["s"].Value);
            if (result.Any(p => p.Address == address)) continue;
            result.Add(new LockedProvider(address, version, hashes));
        }
        return result;
    }

    /// <summary>A fully qualified, normalized address, or null. Lock files always hold the full, lower-case form.</summary>
    public static ProviderAddress? ParseAddress(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 3) return null;
        if (!HostPattern.IsMatch(parts[0]) || !NamePattern.IsMatch(parts[1]) || !NamePattern.IsMatch(parts[2])) return null;
        return new ProviderAddress(parts[0], parts[1], parts[2]);
    }

    public static bool IsVersion(string text) => text.Length <= 64 && VersionPattern.IsMatch(text);

    public static bool IsHash(string text) => H1Pattern.IsMatch(text) || ZhPattern.IsMatch(text);
}
