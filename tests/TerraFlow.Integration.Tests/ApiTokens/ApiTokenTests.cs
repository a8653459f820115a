using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.Entra;

namespace TerraFlow.Integration.Tests.ApiTokens;

/// <summary>
/// Issue 16: API tokens for automation. An admin (signed in with Entra ID through the stand-in, admin through an
/// Entra group) creates tokens with the console's anti-forgery token; a token reads as its creator with its own
/// scope, a read token never passes the Operate policy, a revoked or expired token gets 401, and the token itself is
/// never stored, listed or logged. Real host, real PostgreSQL, real HTTP.
/// </summary>
public sealed class ApiTokenTests : IClassFixture<EntraFixture>
{
    private readonly EntraFixture _f;

    public ApiTokenTests(EntraFixture fixture)
    {
        _f = fixture;
        _f.Reset();
    }

    private string BaseUrl => _f.Host.BaseUrl;

    [Fact]
    public async Task A_created_token_reads_the_api_as_its_creator_and_is_never_listed_stored_or_logged()
    {
        using var admin = await SignedInAdminAsync();
        var created = await CreateAsync(admin, "ci reader", "read");
        var token = created.GetProperty("token").GetString()!;
        Assert.StartsWith("tfat_", token);
        Assert.Equal(token[..12], created.GetProperty("prefix").GetString());

        using var anonymous = new HttpClient();
        using var withToken = await anonymous.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/runs/987654", null, bearer: token));
        using var without = await anonymous.GetAsync(BaseUrl + "/api/runs/987654");
        // Authenticated: the run simply does not exist. Anonymous: sign in first.
        Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);

        var (list, listBody) = await admin.GetAsync(BaseUrl + "/api/tokens");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("no-store", list.Headers.CacheControl?.ToString());
        var listed = Assert.Single(JsonDocument.Parse(listBody).RootElement.EnumerateArray(), t => t.GetProperty("id").GetInt64() == created.GetProperty("id").GetInt64());
        Assert.Equal("read", listed.GetProperty("scope").GetString());
        Assert.Equal("entra", listed.GetProperty("owner").GetProperty("provider").GetString());
        Assert.Equal(EntraFixture.Alice.ObjectId, listed.GetProperty("owner").GetProperty("login").GetString());
        Assert.True(listed.GetProperty("active").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.DoesNotContain(token, listBody);
        Assert.DoesNotContain(token[12..], listBody);

        // Stored: only the SHA-256 and the display prefix.
        await using (var db = NpgsqlDataSource.Create(_f.Host.ConnectionString))
        {
            await using var cmd = db.CreateCommand("select token_hash, display_prefix, row_to_json(t)::text from api_tokens t where id = $1");
            cmd.Parameters.AddWithValue(created.GetProperty("id").GetInt64());
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), (byte[])reader[0]);
            Assert.DoesNotContain(token[12..], reader.GetString(2));
        }
        Assert.DoesNotContain(_f.Host.Logs.Lines, l => l.Contains(token[5..], StringComparison.Ordinal));
        Assert.Contains(_f.Host.Logs.Lines, l => l.Contains("API token", StringComparison.Ordinal) && l.Contains("created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_with_401_at_once()
    {
        using var admin = await SignedInAdminAsync();
        var created = await CreateAsync(admin, "to revoke", "operate");
        var token = created.GetProperty("token").GetString()!;
        using var client = new HttpClient();
        using (var before = await client.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/runs/1", null, bearer: token)))
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        var csrf = await admin.AntiForgeryAsync(BaseUrl);
        var (revoked, _) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Delete, BaseUrl + "/api/tokens/" + created.GetProperty("id").GetInt64(), null, csrf));
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var (again, _) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Delete, BaseUrl + "/api/tokens/" + created.GetProperty("id").GetInt64(), null, csrf));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        using var after = await client.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/runs/1", null, bearer: token));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString());
        var (_, listBody) = await admin.GetAsync(BaseUrl + "/api/tokens");
        var listed = JsonDocument.Parse(listBody).RootElement.EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == created.GetProperty("id").GetInt64());
        Assert.False(listed.GetProperty("active").GetBoolean());
        Assert.Equal("entra:" + EntraFixture.Alice.ObjectId, listed.GetProperty("revokedBy").GetString());
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_an_expiry_in_the_past_is_not_accepted()
    {
        using var admin = await SignedInAdminAsync();
        var csrf = await admin.AntiForgeryAsync(BaseUrl);
        var (past, pastBody) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens",
            """{"name":"old","scope":"read","expiresAt":"2020-01-01T00:00:00Z"}""", csrf));
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("future", pastBody);

        var created = await CreateAsync(admin, "short-lived", "read", DateTimeOffset.UtcNow.AddHours(1));
        var token = created.GetProperty("token").GetString()!;
        using var client = new HttpClient();
        using (var live = await client.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/runs/1", null, bearer: token)))
            Assert.Equal(HttpStatusCode.NotFound, live.StatusCode);

        // The hour passes.
        await using (var db = NpgsqlDataSource.Create(_f.Host.ConnectionString))
        {
            await using var cmd = db.CreateCommand("update api_tokens set expires_at = now() - interval '1 second' where id = $1");
            cmd.Parameters.AddWithValue(created.GetProperty("id").GetInt64());
            await cmd.ExecuteNonQueryAsync();
        }
        using var expired = await client.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/runs/1", null, bearer: token));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task A_read_token_never_passes_the_operate_policy_and_no_token_manages_tokens()
    {
        using var admin = await SignedInAdminAsync();
        var read = (await CreateAsync(admin, "reader", "read")).GetProperty("token").GetString()!;
        var operate = (await CreateAsync(admin, "operator", "operate")).GetProperty("token").GetString()!;

        Assert.Equal(StatusCodes.Status403Forbidden, await PolicyStatusAsync(read, ConsolePolicies.Operate));
        Assert.Equal(StatusCodes.Status200OK, await PolicyStatusAsync(read, ConsolePolicies.SignedIn));
        Assert.Equal(StatusCodes.Status200OK, await PolicyStatusAsync(operate, ConsolePolicies.Operate));
        // Even an operate token of an admin is no admin: tokens cannot mint tokens.
        Assert.Equal(StatusCodes.Status403Forbidden, await PolicyStatusAsync(operate, ConsolePolicies.Admin));
        using var client = new HttpClient();
        using var mint = await client.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens", """{"name":"x","scope":"operate"}""", bearer: operate));
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        using var list = await client.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/tokens", null, bearer: read));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task Cookie_requests_need_the_anti_forgery_token_and_others_need_an_admin()
    {
        using var admin = await SignedInAdminAsync();
        var (missing, _) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens", """{"name":"x","scope":"read"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var (wrong, _) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens", """{"name":"x","scope":"read"}""", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var csrf = await admin.AntiForgeryAsync(BaseUrl);
        var (badScope, _) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens", """{"name":"x","scope":"admin"}""", csrf));
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);

        using var client = new HttpClient();
        using var anonymous = await client.GetAsync(BaseUrl + "/api/tokens");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var garbage = await client.SendAsync(EntraBrowser.Json(HttpMethod.Get, BaseUrl + "/api/runs/1", null, bearer: "tfat_" + new string('A', 43)));
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);

        _f.Entra.Options.SignedInUser = EntraFixture.Bob;
        using var viewer = new EntraBrowser();
        await viewer.SignInAsync(BaseUrl);
        var viewerCsrf = await viewer.AntiForgeryAsync(BaseUrl);
        var (notAdmin, _) = await viewer.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens", """{"name":"x","scope":"read"}""", viewerCsrf));
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
    }

    private async Task<EntraBrowser> SignedInAdminAsync()
    {
        var browser = new EntraBrowser();
        await browser.SignInAsync(BaseUrl);
        Assert.True(browser.HasSession(BaseUrl));
        return browser;
    }

    private async Task<JsonElement> CreateAsync(EntraBrowser admin, string name, string scope, DateTimeOffset? expiresAt = null)
    {
        var csrf = await admin.AntiForgeryAsync(BaseUrl);
        var json = JsonSerializer.Serialize(new { name, scope, expiresAt = expiresAt?.ToString("O") });
        var (response, body) = await admin.SendAsync(EntraBrowser.Json(HttpMethod.Post, BaseUrl + "/api/tokens", json, csrf));
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The console's own check (the one the worker's functions call) for a bearer request: 200 when allowed.</summary>
    private async Task<int> PolicyStatusAsync(string token, string policy)
    {
        await using var scope = _f.Host.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Path = "/api/runs";
        http.Request.Headers.Authorization = "Bearer " + token;
        http.Response.Body = new MemoryStream();
        var refused = await ConsoleAuthentication.AuthenticateAsync(http, policy);
        if (refused is null) return StatusCodes.Status200OK;
        await refused.ExecuteAsync(http);
        return http.Response.StatusCode;
    }
}
