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
