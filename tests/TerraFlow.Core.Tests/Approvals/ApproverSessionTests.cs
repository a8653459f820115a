using System.Security.Cryptography;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Core.Tests.Approvals;

/// <summary>Session cookie, anti-forgery token and OAuth state: the pieces that prove who is approving, from where.</summary>
public sealed class ApproverSessionTests
{
    private static readonly ApprovalKeyRing Keys = new(RandomNumberGenerator.GetBytes(32));
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Session_round_trips_until_it_expires()
    {
        var session = ApproverSession.Start("octocat", Now, TimeSpan.FromHours(8));
        var cookie = session.Seal(Keys.SessionKey);
        Assert.Equal(session, ApproverSession.Open(cookie, Keys.SessionKey, Now.AddHours(7)));
        Assert.Null(ApproverSession.Open(cookie, Keys.SessionKey, Now.AddHours(8)));
    }

    [Fact]
    public void Forged_or_cross_purpose_sessions_are_refused()
    {
        var cookie = ApproverSession.Start("octocat", Now, TimeSpan.FromHours(8)).Seal(Keys.SessionKey);
        Assert.Null(ApproverSession.Open(cookie, Keys.LinkKey, Now));
        Assert.Null(ApproverSession.Open(cookie[..^2] + (cookie[^2] == 'A' ? "B" : "A") + cookie[^1], Keys.SessionKey, Now));
        Assert.Null(ApproverSession.Open(null, Keys.SessionKey, Now));
        Assert.Null(ApproverSession.Open("garbage", Keys.SessionKey, Now));
    }

    [Fact]
    public void Each_sign_in_gets_its_own_session_id()
    {
        var a = ApproverSession.Start("octocat", Now, TimeSpan.FromHours(8));
        var b = ApproverSession.Start("octocat", Now, TimeSpan.FromHours(8));
        Assert.NotEqual(a.SessionId, b.SessionId);
    }

    [Fact]
    public void Anti_forgery_tokens_fit_one_session_and_one_link_only()
    {
        var token = AntiForgeryToken.Compute("session-1", "link-1", Keys.AntiForgeryKey);
        Assert.True(AntiForgeryToken.IsValid(token, "session-1", "link-1", Keys.AntiForgeryKey));
        Assert.False(AntiForgeryToken.IsValid(token, "session-2", "link-1", Keys.AntiForgeryKey));
        Assert.False(AntiForgeryToken.IsValid(token, "session-1", "link-2", Keys.AntiForgeryKey));
        Assert.False(AntiForgeryToken.IsValid(token, "session-1", "link-1", Keys.SessionKey));
        Assert.False(AntiForgeryToken.IsValid(null, "session-1", "link-1", Keys.AntiForgeryKey));
        Assert.False(AntiForgeryToken.IsValid("", "session-1", "link-1", Keys.AntiForgeryKey));
        Assert.False(AntiForgeryToken.IsValid("not base64 !", "session-1", "link-1", Keys.AntiForgeryKey));
    }

    [Fact]
    public void Sign_in_state_round_trips_matches_only_itself_and_expires()
    {
        var state = SignInState.Start("/api/approvals/abc.def", Now, TimeSpan.FromMinutes(10));
        var cookie = state.Seal(Keys.SignInStateKey);
        var opened = SignInState.Open(cookie, Keys.SignInStateKey, Now.AddMinutes(5));
        Assert.NotNull(opened);
        Assert.True(opened.Matches(state.State));
        Assert.False(opened.Matches(state.State + "x"));
        Assert.False(opened.Matches(SignInState.Start("/x", Now, TimeSpan.FromMinutes(10)).State));
        Assert.False(opened.Matches(null));
        Assert.Null(SignInState.Open(cookie, Keys.SignInStateKey, Now.AddMinutes(10)));
        Assert.Null(SignInState.Open(cookie, Keys.SessionKey, Now));
    }

    [Theory]
    [InlineData("/api/approvals/abc.def", true)]
    [InlineData("https://evil.example/api/approvals/x", false)]
    [InlineData("//evil.example/api/approvals/x", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/api/approvals/\\evil", false)]
    [InlineData("/api/approvals//evil.example", false)]
    [InlineData("/api/approvals/../../runs/1", false)]
    [InlineData("/api/approvals/%2e%2e/%2e%2e/x", false)]
    [InlineData("/api/runs/1", false)]
    [InlineData("/api/approvals/a\r\nLocation: x", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_local_approval_pages_are_return_paths(string? path, bool safe) =>
        Assert.Equal(safe, LocalReturnPath.IsSafe(path));
}
