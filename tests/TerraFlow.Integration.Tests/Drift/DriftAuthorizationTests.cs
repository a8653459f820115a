using System.Net.Http.Json;
using System.Text.Json;
using TerraFlow.Application.Access;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>
/// The drift API's authorization against the real host, PostgreSQL and the GitHub stand-in (which answers the
/// repository permission questions): anonymous callers get 401; a signed-in user sees only the projects of
/// repositories they can read; starting a check needs operate access to the project's repository (403 for a reader,
/// 404 for someone who cannot read it, as for a project that does not exist) and the session's anti-forgery token.
/// </summary>
public sealed class DriftAuthorizationTests
{
    private static ConsoleUser GitHubUser(string login) => new("github", login, login, ConsoleRole.Viewer, []);

    [Fact]
    public async Task Anonymous_is_401_outsiders_see_nothing_readers_cannot_start_operators_can()
    {
        await using var bed = await DriftTestBed.StartAsync(database: "drift_auth");
        bed.GitHub.SetCollaboratorPermission(DriftTestBed.Owner, DriftTestBed.Name, "rita", "read");
        bed.GitHub.SetCollaboratorPermission(DriftTestBed.Owner, DriftTestBed.Name, "alice", "write");
        var ids = await bed.ProjectsAsync();
        var start = $"{bed.Host.BaseUrl}/api/projects/{ids["clean"]}/drift";
        var list = $"{bed.Host.BaseUrl}/api/drift";
        var checksOfClean = $"select count(*) from drift_checks where project_id = {ids["clean"]} and trigger_kind = 'manual'";

        using (var anonymous = new HttpClient())
        {
            Assert.Equal(401, (int)(await anonymous.GetAsync(list)).StatusCode);
            Assert.Equal(401, (int)(await anonymous.PostAsync(start, null)).StatusCode);
        }

        // Cannot read acme/infra: none of its projects or its repository, and its projects "do not exist".
        using (var outsider = await bed.Host.ConsoleClientAsync(GitHubUser("mallory")))
        {
            var api = await outsider.GetFromJsonAsync<JsonElement>(list);
            Assert.Equal(0, api.GetProperty("projects").GetArrayLength());
            Assert.Equal(0, api.GetProperty("repositories").GetArrayLength());
            Assert.Equal(404, (int)(await outsider.PostAsync(start, null)).StatusCode);
        }

        // Reads acme/infra: every project, but no check.
        using (var reader = await bed.Host.ConsoleClientAsync(GitHubUser("rita")))
        {
            var api = await reader.GetFromJsonAsync<JsonElement>(list);
            Assert.Equal(["broken", "clean", "drifted"], api.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("project").GetString()!).Order().ToArray());
            Assert.Equal($"{DriftTestBed.Owner}/{DriftTestBed.Name}", api.GetProperty("repositories").EnumerateArray().Single().GetProperty("repository").GetString());
            var refused = await reader.PostAsync(start, null);
            Assert.Equal(403, (int)refused.StatusCode);
        }
        Assert.Equal(0, await DriftCheckTests.Scalar(bed.Host.Database, checksOfClean));

        // Write permission operates: 202 and a check; unknown projects are 404 for operators too.
        using (var operatorClient = await bed.Host.ConsoleClientAsync(GitHubUser("alice")))
        {
            var started = await operatorClient.PostAsync(start, null);
            Assert.Equal(202, (int)started.StatusCode);
            var runId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetInt64();
            Assert.Equal(1, await DriftCheckTests.Scalar(bed.Host.Database, $"select count(*) from drift_checks where run_id = {runId}"));
            Assert.Equal(404, (int)(await operatorClient.PostAsync($"{bed.Host.BaseUrl}/api/projects/987654/drift", null)).StatusCode);

            // A browser session's POST without the anti-forgery token (a cross-site form could send one) changes nothing.
            var request = new HttpRequestMessage(HttpMethod.Post, start);
            operatorClient.DefaultRequestHeaders.Remove(TerraFlow.Functions.Console.ConsoleAntiForgery.HeaderName);
            Assert.Equal(400, (int)(await operatorClient.SendAsync(request)).StatusCode);
            operatorClient.DefaultRequestHeaders.Add(TerraFlow.Functions.Console.ConsoleAntiForgery.HeaderName, "AAAA");
            Assert.Equal(403, (int)(await operatorClient.PostAsync(start, null)).StatusCode);
        }
        Assert.Equal(1, await DriftCheckTests.Scalar(bed.Host.Database, checksOfClean));
    }
}
