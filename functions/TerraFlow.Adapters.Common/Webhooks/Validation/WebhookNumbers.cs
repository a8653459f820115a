namespace TerraFlow.Adapters.Webhooks.Validation;

/// <summary>
/// Numbers and ids from a webhook: pull/merge request numbers are positive 32-bit integers (what GitHub and GitLab
/// use and what TerraFlow stores), object ids positive 64-bit integers.
/// </summary>
public static class WebhookNumbers
{
    public static string? NumberProblem(long value) =>
        value is >= 1 and <= int.MaxValue ? null : $"must be between 1 and {int.MaxValue}";

    public static string? IdProblem(long value) =>
        value >= 1 ? null : "must be a positive id";
}
