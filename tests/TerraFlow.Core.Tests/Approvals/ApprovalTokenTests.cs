using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Core.Tests.Approvals;

public sealed class ApprovalTokenTests
{
    private static readonly ApprovalKeyRing Keys = new(RandomNumberGenerator.GetBytes(32));
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly string PlanHash = Convert.ToHexStringLower(SHA256.HashData("plan"u8));

    private static ApprovalClaims Claims(DateTimeOffset? expires = null) =>
        new(42, "network", PlanHash, expires ?? Now.AddHours(72), ApprovalToken.NewTokenId());

    [Fact]
    public void A_signed_token_verifies_to_the_same_claims()
    {
        var claims = Claims();
        var check = ApprovalToken.Verify(ApprovalToken.Sign(claims, Keys.LinkKey), Keys.LinkKey, Now);
        Assert.Equal(SignedValueStatus.Valid, check.Status);
        Assert.Equal(claims, check.Claims);
    }

    [Fact]
    public void Token_is_url_safe_and_compact()
    {
        var token = ApprovalToken.Sign(Claims(), Keys.LinkKey);
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$", token);
        Assert.True(token.Length < 300, $"token is {token.Length} characters");
    }

    [Fact]
    public void Token_ids_carry_128_random_bits_and_differ()
    {
        var a = ApprovalToken.NewTokenId();
        var b = ApprovalToken.NewTokenId();
        Assert.Equal(16, Base64Url.DecodeFromChars(a).Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Flipping_any_character_is_refused()
    {
        var token = ApprovalToken.Sign(Claims(), Keys.LinkKey);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.') continue;
            var flipped = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            var check = ApprovalToken.Verify(flipped, Keys.LinkKey, Now);
            Assert.False(check.IsValid, $"flipping character {i} was accepted");
            Assert.Null(check.Claims);
        }
    }

    [Fact]
    public void A_changed_payload_with_the_old_signature_is_a_bad_signature()
    {
        var token = ApprovalToken.Sign(Claims(), Keys.LinkKey);
        var signature = token[(token.IndexOf('.') + 1)..];
        var forgedPayload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{{\"run\":43,\"project\":\"network\",\"plan\":\"{PlanHash}\",\"exp\":{Now.AddYears(1).ToUnixTimeSeconds()},\"jti\":\"{ApprovalToken.NewTokenId()}\"}}"));
        Assert.Equal(SignedValueStatus.BadSignature, ApprovalToken.Verify(forgedPayload + "." + signature, Keys.LinkKey, Now).Status);
    }

    [Fact]
    public void A_token_signed_with_another_key_is_a_bad_signature()
    {
        var other = new ApprovalKeyRing(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(SignedValueStatus.BadSignature, ApprovalToken.Verify(ApprovalToken.Sign(Claims(), other.LinkKey), Keys.LinkKey, Now).Status);
    }

    [Fact]
    public void Keys_for_other_purposes_do_not_verify_links()
    {
        var signedAsSession = ApprovalToken.Sign(Claims(), Keys.SessionKey);
        Assert.Equal(SignedValueStatus.BadSignature, ApprovalToken.Verify(signedAsSession, Keys.LinkKey, Now).Status);
    }

    [Fact]
    public void Expired_tokens_say_so_and_the_boundary_is_exclusive()
    {
        var token = ApprovalToken.Sign(Claims(Now.AddHours(1)), Keys.LinkKey);
        Assert.Equal(SignedValueStatus.Valid, ApprovalToken.Verify(token, Keys.LinkKey, Now.AddHours(1).AddSeconds(-1)).Status);
        Assert.Equal(SignedValueStatus.Expired, ApprovalToken.Verify(token, Keys.LinkKey, Now.AddHours(1)).Status);
        Assert.Equal(SignedValueStatus.Expired, ApprovalToken.Verify(token, Keys.LinkKey, Now.AddDays(5)).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot-here")]
    [InlineData(".")]
    [InlineData("abc.")]
    [InlineData(".abc")]
    [InlineData("a.b.c")]
    [InlineData("not base64!.AAAA")]
    [InlineData("eyJ9.short")]
    public void Malformed_tokens_are_malformed(string? token) =>
        Assert.Equal(SignedValueStatus.Malformed, ApprovalToken.Verify(token, Keys.LinkKey, Now).Status);

    [Fact]
    public void Oversized_tokens_are_refused_before_any_work() =>
        Assert.Equal(SignedValueStatus.Malformed, ApprovalToken.Verify(new string('A', 5000) + ".x", Keys.LinkKey, Now).Status);

    [Fact]
    public void A_validly_signed_payload_that_is_not_claims_is_malformed()
    {
        var sealedJunk = SignedEnvelope.Seal("{\"run\":\"x\"}"u8, Keys.LinkKey);
        Assert.Equal(SignedValueStatus.Malformed, ApprovalToken.Verify(sealedJunk, Keys.LinkKey, Now).Status);
    }

    [Fact]
    public void Claims_that_could_not_have_been_issued_are_not_signed()
    {
        Assert.Throws<ArgumentException>(() => ApprovalToken.Sign(Claims() with { PlanSha256 = "abc" }, Keys.LinkKey));
        Assert.Throws<ArgumentException>(() => ApprovalToken.Sign(Claims() with { TokenId = "short" }, Keys.LinkKey));
        Assert.Throws<ArgumentException>(() => ApprovalToken.Sign(Claims() with { RunId = 0 }, Keys.LinkKey));
    }

    [Fact]
    public void A_short_master_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => new ApprovalKeyRing(new byte[31]));
}
