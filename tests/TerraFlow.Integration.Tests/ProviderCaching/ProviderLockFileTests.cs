using TerraFlow.Runner.Providers;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>The lock file is the pull request's: only what passes strict checks reaches the cache's folder names.</summary>
public sealed class ProviderLockFileTests
{
    private const string H1 = "h1:+WRcKin1ygDcbeVqeiBzB9WVxRaFgeafkxsUAO8Ur24=";
    private const string Zh = "zh:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Reads_what_terraform_writes()
    {
        var text = $"# This file is maintained automatically by \"terraform init\".\n\nprovider \"registry.terraform.io/hashicorp/aws\" {{\n  version     = \"5.31.0\"\n  constraints = \"~> 5.0\"\n  hashes = [\n    \"{H1}\",\n    \"{Zh}\",\n  ]\n}}\n\nprovider \"example.com:8443/acme/thing-x\" {{\n  version = \"0.1.0-beta.2\"\n}}\n";
        var providers = ProviderLockFile.Parse(text);
        Assert.Equal(2, providers.Count);
        Assert.Equal(new ProviderAddress("registry.terraform.io", "hashicorp", "aws"), providers[0].Address);
        Assert.Equal("5.31.0", providers[0].Version);
        Assert.Equal([H1, Zh], providers[0].Hashes);
        Assert.Equal([H1], providers[0].H1Hashes);
        Assert.Equal("example.com:8443/acme/thing-x", providers[1].Address.ToString());
        Assert.Empty(providers[1].Hashes);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("registry.terraform.io/../x")]
    [InlineData("registry.terraform.io/hashicorp/aws/extra")]
    [InlineData("hashicorp/aws")]
    [InlineData("Registry.Terraform.IO/hashicorp/aws")]
    [InlineData("registry.terraform.io/hashi corp/aws")]
    [InlineData("/abs/path/x")]
    [InlineData("host/ns/ty$pe")]
    public void Refuses_addresses_that_are_not_plain_provider_addresses(string address) =>
        Assert.Empty(ProviderLockFile.Parse($"provider \"{address}\" {{\n  version = \"1.0.0\"\n  hashes = [\"{H1}\"]\n}}\n"));

    [Theory]
    [InlineData("../1.0.0")]
    [InlineData("1.0")]
    [InlineData("1.0.0/../../x")]
    [InlineData("v1.0.0")]
    [InlineData("")]
    public void Refuses_versions_that_are_not_versions(string version) =>
        Assert.Empty(ProviderLockFile.Parse($"provider \"registry.terraform.io/hashicorp/aws\" {{\n  version = \"{version}\"\n}}\n"));

    [Fact]
    public void Drops_malformed_hashes_and_keeps_the_rest()
    {
        var providers = ProviderLockFile.Parse($"provider \"registry.terraform.io/hashicorp/aws\" {{\n  version = \"1.0.0\"\n  hashes = [\"h1:short\", \"zh:XYZ\", \"{H1}\", \"h1:$(path)\"]\n}}\n");
        Assert.Equal([H1], Assert.Single(providers).Hashes);
        // Braces never occur inside a block Terraform writes: such a block is not read at all (so not cached).
        Assert.Empty(ProviderLockFile.Parse($"provider \"registry.terraform.io/hashicorp/aws\" {{\n  version = \"1.0.0\"\n  hashes = [\"h1:${{x}}\", \"{H1}\"]\n}}\n"));
    }

    [Fact]
    public void A_file_over_the_limit_gives_nothing() =>
        Assert.Empty(ProviderLockFile.Parse(new string(' ', ProviderLockFile.MaxBytes) + $"provider \"registry.terraform.io/hashicorp/aws\" {{\n  version = \"1.0.0\"\n}}\n"));

    [Fact]
    public void The_cli_configuration_quotes_paths_so_they_stay_literal()
    {
        var text = ProviderCliConfig.Render("/var/cache/${x}/\"q\"\\", [new ProviderAddress("registry.terraform.io", "hashicorp", "aws")], "https://mirror.example.com/providers");
        Assert.Contains("path    = \"/var/cache/$${x}/\\\"q\\\"\\\\\"", text);
        Assert.Contains("include = [\"registry.terraform.io/hashicorp/aws\"]", text);
        Assert.Contains("network_mirror {\n    url  = \"https://mirror.example.com/providers/\"\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]", text);
        Assert.Contains("direct {", ProviderCliConfig.Render(null, [], null));
        Assert.NotNull(ProviderCliConfig.Problem("http://mirror.example.com/"));
        Assert.NotNull(ProviderCliConfig.Problem("relative/path"));
        Assert.Null(ProviderCliConfig.Problem("/srv/providers"));
    }
}
