using System.Text.RegularExpressions;

namespace TerraFlow.Core.Projects;

/// <summary>The CLIs TerraFlow drives (they share one command-line contract) and how their versions are written.</summary>
public static partial class ProjectEngines
{
    public const string Terraform = "terraform";
    public const string Tofu = "tofu";

    public static IReadOnlyList<string> All { get; } = [Terraform, Tofu];

    /// <summary>"terraform" / "tofu", also "opentofu" (Atlantis's <c>terraform_distribution</c> spelling); null otherwise.</summary>
    public static string? Normalize(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "terraform" => Terraform,
        "tofu" or "opentofu" => Tofu,
        _ => null,
    };

    /// <summary>The name people know the engine by, for comments.</summary>
    public static string DisplayName(string engine) => engine == Tofu ? "OpenTofu" : "Terraform";

    /// <summary>
    /// "1.11.4", "v1.11.4", "=1.11.4" → "1.11.4" (also pre-releases, "1.9.0-beta2"); null for anything else, e.g.
    /// a constraint ("~> 1.5", ">= 1.3"): TerraFlow selects among installed binaries, it does not resolve ranges.
    /// </summary>
    public static string? ExactVersion(string? text)
    {
        if (text is null) return null;
        var trimmed = text.Trim().TrimStart('=').Trim().TrimStart('v');
        return ExactVersionPattern().IsMatch(trimmed) ? trimmed : null;
    }

    [GeneratedRegex(@"^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}(-[0-9A-Za-z.]{1,32})?$", RegexOptions.CultureInvariant)]
    private static partial Regex ExactVersionPattern();
}
