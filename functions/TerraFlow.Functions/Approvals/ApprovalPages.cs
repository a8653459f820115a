using TerraFlow.Application.Approvals;
using System.Globalization;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Approvals;
using static TerraFlow.Functions.Approvals.HtmlPage;

namespace TerraFlow.Functions.Approvals;

/// <summary>The pages of the approval flow. Every dynamic value goes through <see cref="HtmlPage.E"/>.</summary>
internal static class ApprovalPages
{
    private const string OtherWays =
        "<p>You can also approve with a pull request review, or by commenting <code>terraflow approve</code> on the pull request.</p>";

    public static HtmlPage InvalidToken(ApprovalTokenCheck check) => check.Status switch
    {
        SignedValueStatus.Expired => new HtmlPage(StatusCodes.Status410Gone, "This approval link has expired",
            $"<p>It expired on {E(Format(check.Claims!.ExpiresAt))}. Nothing was approved.</p><p>Run a new plan to get a fresh link.</p>{OtherWays}"),
        SignedValueStatus.BadSignature => new HtmlPage(StatusCodes.Status400BadRequest, "This approval link is not valid",
            $"<p>Its signature does not match: it was altered, or it was not issued by this TerraFlow. Nothing was approved.</p>{OtherWays}"),
        _ => new HtmlPage(StatusCodes.Status400BadRequest, "This approval link is not valid",
            $"<p>The link is damaged or incomplete; copy it again from the pull request comment. Nothing was approved.</p>{OtherWays}"),
    };

    public static HtmlPage RunNotFound() => new(StatusCodes.Status404NotFound, "Nothing to approve",
        "<p>The run this link belongs to does not exist (any more).</p>");

    public static HtmlPage NotAvailable() => new(StatusCodes.Status503ServiceUnavailable, "Approvals are not available",
        $"<p>This TerraFlow host cannot record approvals.</p>{OtherWays}");

    public static HtmlPage Problem(ApprovalPreview preview) => new(StatusCodes.Status409Conflict, "This link can no longer approve",
        Details(preview) + $"<p class=\"problem\">{E(preview.Problem)}</p>{OtherWays}");

    /// <param name="signIn">The run's provider's sign-in (not configured), or null when TerraFlow has none for that provider.</param>
    public static HtmlPage SignInNotConfigured(ApprovalPreview? preview, IOAuthSignIn? signIn) => new(StatusCodes.Status200OK, "Approve a Terraform plan",
        (preview is null ? "" : Details(preview)) +
        (signIn is null
            ? $"<p>Sign-in with this pull request's VCS host is not available on this TerraFlow, so links cannot approve.</p>{OtherWays}"
            : $"<p>Sign-in with {E(signIn.DisplayName)} is not configured on this TerraFlow (no <code>{E(signIn.ClientIdSetting)}</code>), so links cannot approve.</p>{OtherWays}"));

    public static HtmlPage SignInRequired(ApprovalPreview preview, string signInPath, string hostName) => new(StatusCodes.Status200OK, "Approve a Terraform plan",
        Details(preview) + $"<p>Sign in with {E(hostName)} so TerraFlow knows who approves.</p><p><a class=\"button\" href=\"{E(signInPath)}\">Sign in with {E(hostName)}</a></p>");

    public static HtmlPage Confirm(ApprovalPreview preview, string login, string hostName, string postPath, string antiForgery) => new(StatusCodes.Status200OK, "Approve a Terraform plan",
        Details(preview) +
        $"<p>Signed in as <strong>{E(login)}</strong> ({E(hostName)}).</p>" +
        $"<form method=\"post\" action=\"{E(postPath)}\"><input type=\"hidden\" name=\"{ApprovalEndpoints.AntiForgeryField}\" value=\"{E(antiForgery)}\">" +
        $"<button type=\"submit\">Approve this plan</button></form>");

    public static HtmlPage NotSignedIn(string signInPath, string hostName) => new(StatusCodes.Status401Unauthorized, "Sign in first",
        $"<p>Nothing was approved: you are not signed in with {E(hostName)}, or your sign-in expired.</p><p><a class=\"button\" href=\"{E(signInPath)}\">Sign in with {E(hostName)}</a></p>");

    public static HtmlPage Forged() => new(StatusCodes.Status403Forbidden, "Approval refused",
        "<p>The form did not carry a valid anti-forgery token, so it did not come from TerraFlow's confirmation page. Nothing was approved.</p>" +
        "<p>Open the approval link again and confirm from there.</p>");

    public static HtmlPage BadForm() => new(StatusCodes.Status400BadRequest, "Approval refused",
        "<p>The request was not a form submission. Nothing was approved.</p>");

    public static HtmlPage Recorded(ApprovalRecordResult result) => new(result.StatusCode,
        result.Approved ? "Approved" : "Not approved", $"<p>{E(result.Message)}</p>");

    /// <summary>
    /// A failed VCS sign-in (the callback shared by approvals and the console), with the way to start over that fits
    /// what the sign-in was for: <paramref name="purpose"/> from the signed state, null when the state is missing or
    /// unreadable (then both ways are named).
    /// </summary>
    public static HtmlPage SignInFailed(int statusCode, string reason, string? purpose, string? returnPath = null) => new(statusCode, "Sign-in failed",
        $"<p>{E(reason)}</p>" + purpose switch
        {
            SignInState.ApprovalPurpose => "<p>Open the approval link again to start over.</p>",
            SignInState.ConsolePurpose => $"<p><a href=\"{E(ConsoleSignIn(returnPath))}\">Sign in to the console again</a> to start over.</p>",
            _ => $"<p>Start over from where you came: open the approval link again, or <a href=\"{E(ConsoleSignIn(null))}\">sign in to the console again</a>.</p>",
        });

    /// <summary>The console's sign-in page, returning to <paramref name="returnPath"/> when it is a safe local path.</summary>
    private static string ConsoleSignIn(string? returnPath) =>
        Console.ConsoleResponses.SignInPath + "?return=" + Uri.EscapeDataString(Console.ConsoleReturnPath.Sanitize(returnPath));

    private static string Details(ApprovalPreview p) =>
        "<dl>" +
        $"<dt>Repository</dt><dd>{E(p.Repository)}</dd>" +
        $"<dt>Pull request</dt><dd>#{E(p.PullRequest.ToString(CultureInfo.InvariantCulture))}</dd>" +
        $"<dt>Project</dt><dd>{E(p.Project)}</dd>" +
        $"<dt>Plan</dt><dd>{E(p.PlanSummary)}</dd>" +
        $"<dt>Head commit</dt><dd><code>{E(p.HeadSha)}</code></dd>" +
        "</dl>";

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
