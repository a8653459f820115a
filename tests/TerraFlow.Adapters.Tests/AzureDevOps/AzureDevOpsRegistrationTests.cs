using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.Tests.AzureDevOps;

/// <summary>What AddAzureDevOps registers from configuration, and the Entra ID sign-in it carries.</summary>
public sealed class AzureDevOpsRegistrationTests
{
    private static VcsHostModule Module(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddAzureDevOps(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider().GetRequiredService<VcsHosts>().Get("azuredevops");

    [Fact]
    public void Without_settings_the_host_is_registered_without_client_clone_root_or_sign_in()
    {
        var module = Module([]);

        Assert.Equal(("azuredevops", "Azure DevOps"), (module.Provider, module.DisplayName));
        Assert.Null(module.Client);
        Assert.Null(module.Cloning.WebRoot);
        Assert.False(module.SignIn.IsConfigured);
        Assert.Equal(503, module.Webhooks.CheckBeforeBody(_ => "")?.StatusCode);
    }

    [Fact]
    public void An_organization_with_a_pat_gives_a_client_and_clone_urls_below_the_organization()
    {
        var module = Module(new()
        {
            ["TerraFlow:AzureDevOps:OrganizationUrl"] = "https://dev.azure.com/contoso/",
            ["TerraFlow:AzureDevOps:Token"] = "pat",
            ["TerraFlow:AzureDevOps:WebhookUsername"] = "u",
            ["TerraFlow:AzureDevOps:WebhookPassword"] = "p",
        });

        Assert.IsType<AzureDevOpsClient>(module.Client);
        Assert.Equal("https://dev.azure.com/contoso", module.Cloning.WebRoot);
        Assert.False(module.Cloning.UrlNamesProject);
        Assert.Equal(["CODEOWNERS", ".azuredevops/CODEOWNERS", "docs/CODEOWNERS"], module.CodeOwnersLocations);
        var policy = new CloneUrlPolicy([KeyValuePair.Create("azuredevops", module.Cloning.WebRoot!)], allowLocalPaths: false);
        Assert.Null(policy.Refusal("azuredevops", "https://dev.azure.com/contoso/Infra%20Team/_git/platform", "Infra Team", "platform"));
        Assert.NotNull(policy.Refusal("azuredevops", "https://dev.azure.com/fabrikam/Infra/_git/platform", "Infra", "platform"));
    }

    [Fact]
    public void The_identity_root_of_dev_azure_com_is_vssps_and_of_a_server_the_collection()
    {
        Assert.Equal("https://vssps.dev.azure.com/contoso", new AzureDevOpsOptions { OrganizationUrl = "https://dev.azure.com/contoso" }.IdentityRoot);
        Assert.Equal("https://tfs.example.com/tfs/DefaultCollection", new AzureDevOpsOptions { OrganizationUrl = "https://tfs.example.com/tfs/DefaultCollection/" }.IdentityRoot);
    }

    [Fact]
    public void Entra_sign_in_sends_the_browser_to_the_tenants_v2_authorize_endpoint()
    {
        var module = Module(new()
        {
            ["TerraFlow:AzureDevOps:SignInTenantId"] = "11111111-2222-3333-4444-555555555555",
            ["TerraFlow:AzureDevOps:SignInClientId"] = "app-id",
            ["TerraFlow:AzureDevOps:SignInClientSecret"] = "secret",
        });

        var url = module.SignIn.AuthorizeUrl("state-1", "https://tf.example.com/api/oauth/azuredevops/callback");

        Assert.True(module.SignIn.IsConfigured);
        Assert.Equal("https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/authorize", url.GetLeftPart(UriPartial.Path));
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("app-id", query["client_id"]);
        Assert.Equal("state-1", query["state"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("openid User.Read", query["scope"]);
        Assert.Equal("https://tf.example.com/api/oauth/azuredevops/callback", query["redirect_uri"]);
        Assert.DoesNotContain("secret", url.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Comment_ids_round_trip_and_refuse_what_was_not_composed()
    {
        var id = AzureDevOpsCommentIds.Compose(22568, 1_000_000, 3);

        Assert.Equal((22568, 1_000_000, 3), AzureDevOpsCommentIds.Split(id));
        Assert.Throws<ArgumentException>(() => AzureDevOpsCommentIds.Split(12345));
        Assert.Throws<ArgumentOutOfRangeException>(() => AzureDevOpsCommentIds.Compose(1, 1, 1024));
    }
}
