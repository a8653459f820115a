using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Core.Tests.Approvals;

/// <summary>The OAuth state says, under its signature, whether it is an approval or a console sign-in.</summary>
public sealed class SignInStatePurposeTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(SignInState.ApprovalPurpose, "/api/approvals/abc")]
    [InlineData(SignInState.ConsolePurpose, "/runs?repo=acme%2Finfra")]
    public void The_purpose_and_return_path_survive_the_round_trip(string purpose, string returnPath)
    {
        var state = SignInState.Start(returnPath, Now, TimeSpan.FromMinutes(10), purpose);
        var opened = SignInState.Open(state.Seal(Key), Key, Now);
        Assert.Equal(state, opened);
        Assert.Equal(purpose == SignInState.ConsolePurpose, opened!.IsConsole);
    }

    [Fact]
    public void A_state_sealed_before_purposes_existed_is_an_approval_sign_in()
    {
        var old = SignedEnvelope.Seal(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["state"] = "s1", ["return"] = "/api/approvals/x", ["exp"] = Now.AddMinutes(5).ToUnixTimeSeconds(),
        }), Key);
        Assert.Equal(SignInState.ApprovalPurpose, SignInState.Open(old, Key, Now)!.Purpose);
    }

    [Fact]
    public void An_unknown_purpose_or_a_purpose_changed_after_signing_is_refused()
    {
        var unknown = SignInState.Start("/", Now, TimeSpan.FromMinutes(10), "admin");
        Assert.Null(SignInState.Open(unknown.Seal(Key), Key, Now));

        var approval = SignInState.Start("/api/approvals/x", Now, TimeSpan.FromMinutes(10)).Seal(Key);
        var dot = approval.IndexOf('.', StringComparison.Ordinal);
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(approval.AsSpan(0, dot)))
            .Replace("\"purpose\":\"approval\"", "\"purpose\":\"console\"", StringComparison.Ordinal);
        var tampered = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json)) + approval[dot..];
        Assert.Null(SignInState.Open(tampered, Key, Now));
    }
}
