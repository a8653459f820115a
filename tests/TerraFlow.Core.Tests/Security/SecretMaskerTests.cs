using TerraFlow.Core.Security;

namespace TerraFlow.Core.Tests.Security;

public class SecretMaskerTests
{
    [Fact]
    public void Masks_every_occurrence_longest_first()
    {
        var masker = new SecretMasker();
        masker.Add("abcd");
        masker.Add("abcdefgh");
        Assert.Equal("token *** and ***", masker.Apply("token abcdefgh and abcd"));
    }

    [Fact]
    public void Secret_looking_environment_variables_are_masked_and_short_values_ignored()
    {
        var masker = new SecretMasker();
        masker.AddSecretEnvironment([new("ARM_CLIENT_SECRET", "s3cr3t-value"), new("GITHUB_TOKEN", "ghs_123456"), new("HOME", "/root"), new("DB_PASSWORD", "xy")]);
        Assert.Equal("*** *** /root xy", masker.Apply("s3cr3t-value ghs_123456 /root xy"));
    }
}

/// <summary>A secret is masked in the forms one Terraform function call turns it into (issue 9).</summary>
public class SecretMaskerEncodingTests
{
    private const string Secret = "operator-credential-9f8e7d6c";

    private static SecretMasker Masker()
    {
        var masker = new SecretMasker();
        masker.Add(Secret);
        return masker;
    }

    private static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Base64_of_the_secret_alone_and_its_url_safe_form_are_masked()
    {
        var masker = Masker();
        Assert.Equal("x = ***", masker.Apply("x = " + B64(Secret)));
        var urlSafe = B64(Secret).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        Assert.DoesNotContain(urlSafe, masker.Apply(urlSafe));
    }

    [Theory]
    [InlineData("")]      // secret starts a 3-byte group
    [InlineData("a")]     // one byte before it
    [InlineData("ab")]    // two bytes before it
    [InlineData("PATH=/usr/bin\0HOME=/tmp/x\0TF_VAR_cred=")]
    public void The_secret_inside_a_longer_base64_text_is_masked_at_every_offset(string prefix)
    {
        var encoded = B64(prefix + Secret + "\0LANG=C.UTF-8\0");
        var masked = Masker().Apply(encoded);
        Assert.Contains(SecretMasker.Mask, masked);
        // No run of characters carrying the secret's bits survives: decoding what is left never yields it.
        Assert.DoesNotContain(B64(Secret)[..12], masked);
        var core = SecretForms.AlignedCore(System.Text.Encoding.UTF8.GetBytes(Secret), prefix.Length % 3);
        Assert.DoesNotContain(core, masked);
    }

    [Fact]
    public void Url_encoded_and_json_escaped_forms_are_masked()
    {
        var masker = new SecretMasker();
        masker.Add("p@ss word/&\"x\"");
        Assert.Equal("a=***", masker.Apply("a=" + Uri.EscapeDataString("p@ss word/&\"x\"")));
        Assert.Equal("a=***", masker.Apply("a=" + Uri.EscapeDataString("p@ss word/&\"x\"").ToLowerInvariant()));
        Assert.Equal("a=***", masker.Apply("a=" + System.Net.WebUtility.UrlEncode("p@ss word/&\"x\"")));
        Assert.Equal("{\"v\":\"***\"}", masker.Apply(System.Text.Json.JsonSerializer.Serialize(new { v = "p@ss word/&\"x\"" })));
    }

    [Fact]
    public void Each_line_of_a_multi_line_secret_is_masked_when_printed_as_a_heredoc()
    {
        const string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretlinenumberone0123\nsecretlinenumbertwo4567890abcdef\n-----END RSA PRIVATE KEY-----\n";
        var masker = new SecretMasker();
        masker.Add(pem);
        var heredoc = "value = <<-EOT\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEAsecretlinenumberone0123\n    secretlinenumbertwo4567890abcdef\n    -----END RSA PRIVATE KEY-----\nEOT";
        var masked = masker.Apply(heredoc);
        Assert.DoesNotContain("secretlinenumberone", masked);
        Assert.DoesNotContain("secretlinenumbertwo", masked);
    }

    [Theory]
    [InlineData("TerraFlow:Approvals:SigningKey", true)]
    [InlineData("TerraFlow__Approvals__SigningKey", true)]
    [InlineData("TerraFlow__GitHub__PrivateKeyPem", true)]
    [InlineData("TerraFlow__GitHub__WebhookSecret", true)]
    [InlineData("ConnectionStrings__Postgres", true)]
    [InlineData("ConnectionStrings:Postgres", true)]
    [InlineData("TerraFlow__ServiceBus__ConnectionString", true)]
    [InlineData("ARM_CLIENT_SECRET", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("TerraFlow__GitHub__PrivateKeyPath", false)]
    [InlineData("TerraFlow__GitLab__ProjectSecrets__0__Project", false)]
    [InlineData("TerraFlow:GitLab:ProjectSecrets:0:Secret", true)]
    [InlineData("HOME", false)]
    public void Names_of_settings_and_variables_that_hold_secrets(string name, bool secret) =>
        Assert.Equal(secret, SecretMasker.LooksSecret(name));
}
