using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Application.Access;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// <see cref="IRepositoryAccess"/> as the host registers it, asking the GitHub stand-in (collaborator permission) over
/// real HTTP, with the role lists from configuration.
/// </summary>
public sealed class RepositoryAccessTests : IAsyncLifetime
{
    private static readonly RepositoryKey Infra = new("github", "acme", "infra");
    private static readonly RepositoryKey Docs = new("github", "acme", "docs");
    private static readonly RepositoryKey Secret = new("github", "acme", "secret");
    private readonly FakeGitHubOptions _fake = new();
    private FakeGitHubServer _github = null!;
    private ApprovalTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(_fake);
        foreach (var r in new[] { Infra, Docs, Secret }) _github.AddRepository(r.Owner, r.Name);
        _github.SetCollaboratorPermission("acme", "infra", "writer", "write");
        _github.SetCollaboratorPermission("acme", "infra", "maintainer", "maintain");
        _github.SetCollaboratorPermission("acme", "docs", "writer", "read");
        _github.SetCollaboratorPermission("acme", "infra", "triager", "triage");
        _github.SetCollaboratorPermission("acme", "docs", "oncall", "read");
        _host = await ApprovalTestHost.StartAsync(_github, _fake, settings: new Dictionary<string, string>
        {
            ["TerraFlow:Auth:Viewers"] = "entra:group:11111111-1111-1111-1111-111111111111, github:auditor",
            ["TerraFlow:Auth:Operators"] = "github:oncall; entra:group:22222222-2222-2222-2222-222222222222",
            ["TerraFlow:Auth:Admins"] = "github:boss",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
    }

    private IRepositoryAccess Access => _host.Services.GetRequiredService<IRepositoryAccess>();

    private static ConsoleUser GitHub(string login, string? scope = null) => new("github", login, login, ConsoleRole.Viewer, [], scope);

    private static ConsoleUser Entra(params string[] groups) => new("entra", "9f0c1c1e-0000-4000-8000-000000000001", "Ada", ConsoleRole.Viewer, groups);

    private Task<RepositoryAccessLevel> Ask(ConsoleUser user, RepositoryKey repo) => Access.AccessAsync(user, repo, CancellationToken.None);

    private int PermissionRequests(string user) => _github.Requests.Count(r => r.Path.EndsWith($"/collaborators/{user}/permission", StringComparison.Ordinal));

    [Fact]
    public async Task A_GitHub_user_gets_what_GitHub_says_write_operates_read_reads_nothing_sees_nothing()
    {
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("writer"), Infra));
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("maintainer"), Infra));
        Assert.Equal(RepositoryAccessLevel.Read, await Ask(GitHub("writer"), Docs));
        Assert.Equal(RepositoryAccessLevel.Read, await Ask(GitHub("triager"), Infra));
        Assert.Equal(RepositoryAccessLevel.None, await Ask(GitHub("writer"), Secret));
        Assert.Equal(RepositoryAccessLevel.None, await Ask(GitHub("stranger"), Infra));
        // A GitLab user of the same name is somebody else: GitHub is not asked about them.
        var before = PermissionRequests("writer");
        Assert.Equal(RepositoryAccessLevel.None, await Ask(new ConsoleUser("gitlab", "writer", "writer", ConsoleRole.Viewer, []), Infra));
        Assert.Equal(before, PermissionRequests("writer"));
    }

    [Fact]
    public async Task Answers_are_cached_briefly_and_a_read_token_never_operates()
    {
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("writer"), Infra));
        var asked = PermissionRequests("writer");
        for (var i = 0; i < 5; i++) Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("writer"), Infra));
        Assert.Equal(asked, PermissionRequests("writer"));
        Assert.Equal(RepositoryAccessLevel.Read, await Ask(GitHub("writer", scope: "read"), Infra));
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("writer", scope: "operate"), Infra));
    }

    [Fact]
    public async Task Operators_operate_where_they_can_read_viewers_read_everywhere_admins_do_everything()
    {
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("oncall"), Docs));
        Assert.Equal(RepositoryAccessLevel.None, await Ask(GitHub("oncall"), Secret));
        Assert.Equal(RepositoryAccessLevel.Read, await Ask(GitHub("auditor"), Secret));
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("boss"), Secret));
        Assert.Equal(0, PermissionRequests("boss"));
    }

    [Fact]
    public async Task Entra_users_see_repositories_only_through_the_Viewers_and_Operators_groups()
    {
        Assert.Equal(RepositoryAccessLevel.None, await Ask(Entra(), Infra));
        Assert.Equal(RepositoryAccessLevel.None, await Ask(Entra("33333333-3333-3333-3333-333333333333"), Infra));
        Assert.Equal(RepositoryAccessLevel.Read, await Ask(Entra("11111111-1111-1111-1111-111111111111"), Infra));
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(Entra("22222222-2222-2222-2222-222222222222"), Secret));
    }

    [Fact]
    public async Task When_GitHub_cannot_answer_there_is_no_access_and_nothing_is_cached()
    {
        _github.FailNextRequests(20, 500);
        Assert.Equal(RepositoryAccessLevel.None, await Ask(GitHub("maintainer"), Docs));
        _github.FailNextRequests(0, 500);
        _github.SetCollaboratorPermission("acme", "docs", "maintainer", "maintain");
        Assert.Equal(RepositoryAccessLevel.Operate, await Ask(GitHub("maintainer"), Docs));
    }
}
