using System.Text.RegularExpressions;
using TerraFlow.Adapters.Azure.Blob;

namespace TerraFlow.Integration.Tests.Deployment;

/// <summary>
/// The Blob settings the templates write are ones the Blob adapter reads (a renamed option would silently send
/// artifacts to the local folder of a stateless container), and they select Entra ID: an account URL, never a key.
/// </summary>
public sealed class BicepBlobSettingsTests
{
    [Fact]
    public void Every_blob_setting_in_the_templates_is_an_AzureBlobOptions_property_and_none_is_a_key()
    {
        var compute = BicepSource.Read("modules/compute.bicep");
        var written = Regex.Matches(compute, @"TerraFlow__Artifacts__Blob__(\w+):").Select(m => m.Groups[1].Value).ToList();
        var properties = typeof(AzureBlobOptions).GetProperties().Select(p => p.Name).ToHashSet();

        Assert.Contains("ServiceUri", written);
        Assert.Contains("ContainerName", written);
        Assert.All(written, name => Assert.Contains(name, properties));
        Assert.DoesNotContain("AccountKey", written);
        Assert.DoesNotContain("ConnectionString", written);
        Assert.Equal("TerraFlow:Artifacts:Blob", AzureBlobOptions.SectionName);
    }

    [Fact]
    public void The_runner_names_its_user_assigned_identity_for_blob_access()
    {
        var compute = BicepSource.Read("modules/compute.bicep");
        var runnerSettings = compute[compute.IndexOf("var runnerSettings", StringComparison.Ordinal)..compute.IndexOf("module functionApp", StringComparison.Ordinal)];
        Assert.Contains("TerraFlow__Artifacts__Blob__ManagedIdentityClientId: runnerIdentity.properties.clientId", runnerSettings);
    }
}
