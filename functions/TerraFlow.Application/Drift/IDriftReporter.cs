using TerraFlow.Core.Drift;

namespace TerraFlow.Application.Drift;

/// <summary>
/// Tells people about a finished drift check: the project's VCS issue (created on first detection, edited in place,
/// closed with a comment when a later check is clean; a failed check says so) and the outbound webhook on drift
/// found / resolved. Called from the outbox, so it may be called again for the same check after a crash: every
/// implementation must be idempotent per (project, run).
/// </summary>
public interface IDriftReporter
{
    Task ReportAsync(DriftCheckResult result, CancellationToken ct);
}
