using System.Text;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Policies;

/// <summary>
/// Runs <c>conftest test --output json --all-namespaces --policy DIR... PLAN_JSON</c> and turns its output into a
/// <see cref="PolicyOutcome"/>: failures deny, warnings warn. conftest exits 0 when nothing failed and 1 both for
/// failures and for errors (bad Rego, missing folder), so exit 1 counts as failures only when stdout holds its JSON
/// results; anything else is an error, which denies.
/// </summary>
/// <param name="sandbox">The job's sandbox (the pull request's Rego runs here: as the job's user, base environment
/// only); null outside a job (tests), then conftest gets PATH, HOME and TMPDIR of this process and nothing else.</param>
public sealed class ConftestRunner(RunnerOptions options, SecretMasker masker, JobSandbox? sandbox = null)
{
    private readonly StringBuilder _log = new();

    /// <summary>The command and its masked output, for the job log.</summary>
    public string Log => masker.Apply(_log.ToString());

    /// <param name="policyDirs">Policy folders, relative to <paramref name="workingDirectory"/> or absolute.</param>
    /// <param name="planJsonFile">The plan JSON file, relative to <paramref name="workingDirectory"/> or absolute.</param>
    public async Task<PolicyOutcome> RunAsync(IReadOnlyList<string> policyDirs, string planJsonFile, string workingDirectory, CancellationToken ct)
    {
        // --all-namespaces: a policy in `package terraform.azure` must count, not only `package main`.
        List<string> args = ["test", "--output", "json", "--all-namespaces", "--no-color"];
        foreach (var dir in policyDirs) args.AddRange(["--policy", dir]);
        args.Add(planJsonFile);
        _log.Append("$ conftest ").AppendJoin(' ', args).AppendLine();

        ProcessResult result;
        try
        {
            result = sandbox is null
                ? await ProcessRunner.RunAsync(options.ConftestPath, args, workingDirectory, StandaloneEnvironment(), options.PolicyTimeout, ct)
                : await sandbox.RunAsync(ChildPurpose.Policy, options.ConftestPath, args, workingDirectory, Environment, options.PolicyTimeout, ct);
        }
        catch (InvalidOperationException ex)
        {
            _log.AppendLine(ex.Message);
            return Error($"conftest could not be started ('{options.ConftestPath}'; set TerraFlow__Runner__ConftestPath): {ex.Message}");
        }
        _log.Append(result.StandardOutput);
        if (result.StandardError.Length > 0) _log.Append(result.StandardError);
        _log.AppendLine(result.TimedOut ? $"(timed out after {options.PolicyTimeout})" : $"(exit {result.ExitCode})");

        if (result.TimedOut) return Error($"conftest timed out after {options.PolicyTimeout}.");
        if (result.ExitCode is 0 or 1)
        {
            try
            {
                var violations = ConftestOutputParser.Parse(result.StandardOutput)
                    .Select(v => v with { Message = masker.Apply(v.Message) })
                    .ToList();
                if (result.ExitCode == 1 && !violations.Any(v => v.Severity == PolicySeverity.Deny))
                    return Error(Failure(result, "exit 1 without any failure in its output"));
                return violations.Count == 0 ? PolicyOutcome.Passed : new PolicyOutcome(violations, null);
            }
            catch (FormatException ex)
            {
                return Error(Failure(result, ex.Message));
            }
        }
        return Error(Failure(result, $"exit {result.ExitCode}"));
    }

    private string Failure(ProcessResult result, string why)
    {
        var detail = result.StandardError.Trim().Length > 0 ? result.StandardError.Trim() : result.StandardOutput.Trim();
        var text = masker.Apply($"conftest failed ({why}): {detail}");
        return text.Length <= 4_000 ? text : text[..4_000] + " …";
    }

    private static PolicyOutcome Error(string message) => new([], message);

    private static readonly IReadOnlyDictionary<string, string?> Environment = new Dictionary<string, string?> { ["NO_COLOR"] = "1" };

    private static Dictionary<string, string?> StandaloneEnvironment() => new()
    {
        ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? ChildEnvironment.DefaultPath,
        ["HOME"] = Path.GetTempPath(),
        ["TMPDIR"] = Path.GetTempPath(),
        ["NO_COLOR"] = "1",
    };
}
