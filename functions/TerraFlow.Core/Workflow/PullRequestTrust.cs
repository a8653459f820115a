using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>How TerraFlow treats pull requests it does not trust (<c>TerraFlow__PullRequests__ForkPlans</c>).</summary>
public enum ForkPlanMode
{
    /// <summary>Nothing runs until a maintainer (write access) comments <c>terraflow plan</c>, which authorizes that head commit only.</summary>
    Authorize,

    /// <summary>The plan runs automatically but without any credentials, and can never be applied.</summary>
    Restricted,
}

public enum TrustVerdict
{
    /// <summary>Plan normally, with the repository's credentials.</summary>
    Trusted,

    /// <summary>Plan without credentials (jobs carry <c>Untrusted</c>); apply is impossible.</summary>
    Restricted,

    /// <summary>Do not plan; tell the pull request what a maintainer must do.</summary>
    NeedsAuthorization,
}

/// <param name="Reason">Why the pull request is not trusted, in words for its comment; null when trusted.</param>
public sealed record TrustDecision(TrustVerdict Verdict, string? Reason);

/// <summary>A person who caused the run (the author, the pusher) and their permission on the base repository.</summary>
public sealed record Participant(string Login, RepoPermission Permission);

/// <summary>
/// Who may make TerraFlow run a pull request's code. A plan executes the head commit's Terraform (providers, external
/// data sources, <c>file()</c>), so whoever controls that commit controls what runs on the runner. Only people with
/// write access already control the repository; anyone else's commits wait for a maintainer, who authorizes one
/// exact commit (a later push needs a new authorization).
/// </summary>
public static class PullRequestTrust
{
    /// <param name="fromFork">The head commits live in another repository.</param>
    /// <param name="participants">The author and, when someone else pushed, the pusher.</param>
    /// <param name="headAuthorized">A maintainer authorized exactly this head commit with <c>terraflow plan</c>.</param>
    public static TrustDecision Decide(bool fromFork, IReadOnlyList<Participant> participants, bool headAuthorized, ForkPlanMode mode, string headSha)
    {
        var lacking = participants.Where(p => p.Permission < RepoPermission.Write).ToList();
        if (!fromFork && lacking.Count == 0) return new TrustDecision(TrustVerdict.Trusted, null);

        var why = fromFork
            ? "this pull request comes from a fork"
            : string.Join("; ", lacking.Select(p => $"@{p.Login} has {Describe(p.Permission)} on this repository (write is needed to be planned automatically)"));
        if (mode == ForkPlanMode.Restricted)
            return new TrustDecision(TrustVerdict.Restricted,
                $"{Capitalize(why)}, so it was planned without any credentials and TerraFlow will not apply it (`TerraFlow__PullRequests__ForkPlans=restricted`).");
        if (headAuthorized) return new TrustDecision(TrustVerdict.Trusted, null);

        var shortSha = headSha.Length > 12 ? headSha[..12] : headSha;
        return new TrustDecision(TrustVerdict.NeedsAuthorization,
            $"The plan did not start: {why}. A plan runs the pull request's Terraform code with this repository's credentials, " +
            $"so TerraFlow waits for a maintainer. A maintainer with write access should review the changes and comment `terraflow plan` " +
            $"to plan exactly this commit (`{shortSha}`); every new push needs a new `terraflow plan`.");
    }

    private static string Describe(RepoPermission p) => p switch
    {
        RepoPermission.None => "no access",
        _ => p.ToString().ToLowerInvariant() + " access",
    };

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
