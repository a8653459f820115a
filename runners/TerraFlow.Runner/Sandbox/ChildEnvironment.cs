using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;

namespace TerraFlow.Runner.Sandbox;

/// <summary>What a child process is for; it decides which parts of the allow-list it gets.</summary>
public enum ChildPurpose
{
    /// <summary>git clone/fetch/diff: the base only (the clone credential travels separately, see GitWorkspace).</summary>
    Git,

    /// <summary>Terraform or OpenTofu: the base, plus the operator's environment and matching credentials when trusted.</summary>
    Terraform,

    /// <summary>conftest: Rego from the pull request runs here, so the base only.</summary>
    Policy,
}

/// <summary>
/// The complete environment of a child process: an allow-list, never the runner's own environment. A pull request's
/// Terraform can read its environment (<c>file("/proc/self/environ")</c>) and print it, so whatever is here must be
/// something the operator chose to give that repository's code.
/// <list type="bullet">
/// <item>Base, every child: <c>PATH</c> and <c>LANG</c> (the runner's, or defaults), <c>HOME</c> and <c>TMPDIR</c> in the
/// job's own folder.</item>
/// <item>Terraform in a trusted job: <see cref="RunnerOptions.Environment"/>, then every
/// <see cref="RunnerOptions.Credentials"/> entry whose repository, project and provider globs match, in order.</item>
/// <item>Untrusted jobs (<see cref="JobSpec.Untrusted"/>): the base only.</item>
/// </list>
/// </summary>
public sealed record ChildEnvironment(IReadOnlyDictionary<string, string?> Variables, IReadOnlyList<string> Secrets)
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public const string DefaultLang = "C.UTF-8";

    /// <param name="runnerEnvironment">The runner's own environment (only PATH, LANG and pass-through names are read).</param>
    public static ChildEnvironment Build(
        ChildPurpose purpose, RunnerOptions options, JobSpec? spec, string home, string temp,
        IReadOnlyDictionary<string, string?> runnerEnvironment)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = NonEmpty(runnerEnvironment, "PATH") ?? DefaultPath,
            ["LANG"] = NonEmpty(runnerEnvironment, "LANG") ?? DefaultLang,
        };
        var secrets = new List<string>();

        if (purpose == ChildPurpose.Terraform && spec is { Untrusted: false })
        {
            foreach (var (name, value) in options.Environment)
            {
                variables[name] = value;
                if (SecretMasker.LooksSecret(name)) secrets.Add(value);
            }
            foreach (var credential in options.Credentials.Where(c => Matches(c, spec)))
            {
                foreach (var (name, value) in credential.Environment)
                {
                    variables[name] = value;
                    secrets.Add(value);
                }
                foreach (var name in List(credential.PassThrough))
                {
                    if (NonEmpty(runnerEnvironment, name) is not { } value) continue;
                    variables[name] = value;
                    secrets.Add(value);
                }
            }
        }

        // Always the job's own, whatever was configured: nothing of the runner's home or temp folder is shared.
        variables["HOME"] = home;
        variables["TMPDIR"] = temp;
        return new ChildEnvironment(variables, secrets);
    }

    /// <summary>Whether a credential applies to the job's repository, project and provider.</summary>
    public static bool Matches(RunnerCredential credential, JobSpec spec)
    {
        var provider = StoredProvider.Of(spec.Provider);
        if (!string.IsNullOrWhiteSpace(credential.Provider) && !string.Equals(credential.Provider.Trim(), provider, StringComparison.OrdinalIgnoreCase))
            return false;
        if (!AnyMatch(credential.Repositories, $"{spec.RepoOwner}/{spec.RepoName}")) return false;
        // A credential limited to projects never applies to a job without one.
        if (List(credential.Projects).Count > 0 && spec.Project is null) return false;
        return spec.Project is null || AnyMatch(credential.Projects, spec.Project.Name);
    }

    private static bool AnyMatch(string? globs, string value)
    {
        var list = List(globs);
        return list.Count == 0 || list.Any(g => NameGlob.IsMatch(g, value));
    }

    private static List<string> List(string? commaSeparated) =>
        (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string? NonEmpty(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The runner's own environment as a dictionary (read once per job; it is only consulted, never copied).</summary>
    public static IReadOnlyDictionary<string, string?> OfThisProcess() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.Ordinal);
}
