using TerraFlow.Application.Outbox;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs;

public class VcsClientsTests
{
    [Fact]
    public void Each_provider_gets_its_own_client()
    {
        var services = new ServiceCollection();
        services.AddVcsProvider("github", _ => new NamedVcsClient("gh"));
        services.AddVcsProvider("gitlab", _ => new NamedVcsClient("gl"));
        using var sp = services.BuildServiceProvider();
        var clients = sp.GetRequiredService<VcsClients>();

        Assert.Equal("gh", ((NamedVcsClient)clients.For("github")).Name);
        Assert.Equal("gl", ((NamedVcsClient)clients.For("gitlab")).Name);
        Assert.Equal("gl", ((NamedVcsClient)clients.For("GitLab")).Name);
        Assert.True(clients.IsConfigured("gitlab"));
    }

    [Fact]
    public void An_unconfigured_provider_fails_with_a_message_naming_it_and_the_configured_ones()
    {
        var clients = new VcsClients([new VcsProvider("github", new NamedVcsClient("gh"))]);

        var ex = Assert.Throws<VcsProviderNotConfiguredException>(() => clients.For("gitlab"));
        Assert.Equal("gitlab", ex.Provider);
        Assert.Contains("'gitlab' is not configured", ex.Message);
        Assert.Contains("configured: github", ex.Message);
        Assert.False(clients.IsConfigured("gitlab"));
        Assert.Contains("configured: none", Assert.Throws<VcsProviderNotConfiguredException>(() => new VcsClients([]).For("github")).Message);
    }

    [Fact]
    public void A_missing_provider_is_an_error_not_a_default_host_and_old_rows_say_github_explicitly()
    {
        var clients = new VcsClients([new VcsProvider("github", new NamedVcsClient("gh")), new VcsProvider("gitlab", new NamedVcsClient("gl"))]);

        foreach (var missing in new[] { null, "", " " })
        {
            var ex = Assert.Throws<VcsProviderNotConfiguredException>(() => clients.For(missing));
            Assert.Contains("No VCS provider was named", ex.Message);
            Assert.Contains("configured: github, gitlab", ex.Message);
            Assert.False(clients.IsConfigured(missing));
            Assert.Null(new OAuthSignIns([]).Find(missing));
        }
        // Rows and job specs written before providers were stored are read through the one explicit rule.
        Assert.Equal("gh", ((NamedVcsClient)clients.For(StoredProvider.Of(null))).Name);
    }

    [Fact]
    public void Registering_a_provider_twice_is_refused_at_startup()
    {
        var services = new ServiceCollection();
        services.AddVcsProvider("gitlab", _ => new NamedVcsClient("a"));
        services.AddVcsProvider("gitlab", _ => new NamedVcsClient("b"));
        using var sp = services.BuildServiceProvider();

        Assert.Contains("registered twice", Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<VcsClients>()).Message);
    }

    [Fact]
    public void A_keyed_client_named_after_the_provider_is_found_too()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IVcsClient>("gitlab", new NamedVcsClient("keyed"));
        services.AddVcsClients();
        using var sp = services.BuildServiceProvider();

        Assert.Equal("keyed", ((NamedVcsClient)sp.GetRequiredService<VcsClients>().For("gitlab")).Name);
    }

    [Fact]
    public void The_github_provider_is_the_github_client_even_when_another_client_is_registered_after_it()
    {
        var services = new ServiceCollection();
        services.AddGitHub(new GitHubOptions());
        services.AddSingleton<IVcsClient>(new NamedVcsClient("later"));
        using var sp = services.BuildServiceProvider();

        Assert.IsType<GitHubClient>(sp.GetRequiredService<VcsClients>().For("github"));
        Assert.Equal("GitHub", sp.GetRequiredService<OAuthSignIns>().Find("github")!.DisplayName);
        Assert.Null(sp.GetRequiredService<OAuthSignIns>().Find("gitlab"));
    }

    [Fact]
    public void Status_rows_written_before_providers_were_stored_still_read_and_mean_the_original_provider()
    {
        const string old = """{"owner":"acme","repo":"infra","installationId":5,"sha":"abc","context":"terraflow/plan: net","state":"Success","description":"ok"}""";
        var payload = StoreJson.Deserialize<SetStatusMessage>(old);
        Assert.Null(payload.Provider);
        Assert.Equal("github", StoredProvider.Of(payload.Provider));

        var current = StoreJson.Deserialize<SetStatusMessage>(StoreJson.Serialize<object>(payload with { Provider = "gitlab" }));
        Assert.Equal("gitlab", current.Provider);
    }

    [Fact]
    public void Job_specs_carry_the_provider_and_old_specs_read_without_one()
    {
        var spec = new JobSpec(JobKinds.Discover, 5, "acme", "infra", null, "https://gitlab.example/acme/infra.git", "h", "b", null, "op") { Provider = "gitlab" };
        Assert.Equal("gitlab", StoreJson.Deserialize<JobSpec>(StoreJson.Serialize(spec)).Provider);

        var old = StoreJson.Serialize(spec with { Provider = null });
        Assert.DoesNotContain("provider", old);
        Assert.Equal("github", StoredProvider.Of(StoreJson.Deserialize<JobSpec>(old).Provider));
    }
}
