using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace TerraFlow.Testing.GitHttp;

/// <summary>
/// A real git smart-HTTP server on 127.0.0.1 (Kestrel in front of git's own <c>git http-backend</c> CGI), serving the
/// bare repositories below <see cref="ProjectRoot"/> as <c>{Url}/&lt;owner&gt;/&lt;name&gt;.git</c>. Like GitHub it lets
/// clients fetch reachable commits by SHA (fork pull request heads are fetched that way). It counts the response
/// bytes it sends (what clones and fetches cost on the wire) and can require an <c>Authorization</c> header (what the
/// runner's clone credential carries), recording every header it saw.
/// </summary>
public sealed class GitSmartHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _bytesSent;
    private long _requests;
    private readonly ConcurrentQueue<string> _authorizations = new();

    private GitSmartHttpServer(WebApplication app, string projectRoot)
    {
        _app = app;
        ProjectRoot = projectRoot;
        Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
    }

    /// <summary>The folder of the served bare repositories.</summary>
    public string ProjectRoot { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public string Url { get; }

    /// <summary>When set, a request without exactly this Authorization header gets 401.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>Response body bytes sent so far (ref advertisements and packs).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Authorization headers received (empty string for none).</summary>
    public IReadOnlyList<string> Authorizations => _authorizations.ToArray();

    /// <summary>The clone URL of <c>&lt;owner&gt;/&lt;name&gt;.git</c> below <see cref="ProjectRoot"/>.</summary>
    public string CloneUrl(string owner, string name) => $"{Url}/{owner}/{name}.git";

    /// <summary>The bare repository's folder for <c>&lt;owner&gt;/&lt;name&gt;</c>.</summary>
    public string RepositoryPath(string owner, string name) => Path.Combine(ProjectRoot, owner, name + ".git");

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _bytesSent, 0);
        Interlocked.Exchange(ref _requests, 0);
    }

    public static async Task<GitSmartHttpServer> StartAsync(string projectRoot, CancellationToken ct = default)
    {
        GitSmartHttpServer? server = null;
        var (app, _) = await LoopbackApp.StartAsync(http => server!.HandleAsync(http), ct,
            builder => builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null));
        server = new GitSmartHttpServer(app, Path.GetFullPath(projectRoot));
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        var authorization = http.Request.Headers.Authorization.ToString();
        _authorizations.Enqueue(authorization);
        if (RequiredAuthorization is { } required && authorization != required)
        {
            http.Response.StatusCode = 401;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return;
        }
        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = start.Environment;
        env.Clear();
        env["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        env["HOME"] = ProjectRoot;
        env["GIT_PROJECT_ROOT"] = ProjectRoot;
        env["GIT_HTTP_EXPORT_ALL"] = "1";
        env["GIT_CONFIG_NOSYSTEM"] = "1";
        // GitHub serves any reachable commit by SHA; so does this server.
        env["GIT_CONFIG_COUNT"] = "2";
        env["GIT_CONFIG_KEY_0"] = "uploadpack.allowReachableSHA1InWant";
        env["GIT_CONFIG_VALUE_0"] = "true";
        env["GIT_CONFIG_KEY_1"] = "safe.directory";
        env["GIT_CONFIG_VALUE_1"] = "*";
        env["REQUEST_METHOD"] = http.Request.Method;
        env["PATH_INFO"] = Uri.UnescapeDataString(http.Request.Path.Value ?? "/");
        env["QUERY_STRING"] = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "";
        env["REMOTE_ADDR"] = "127.0.0.1";
        env["REMOTE_USER"] = "git";
        if (http.Request.ContentType is { } type) env["CONTENT_TYPE"] = type;
        if (http.Request.ContentLength is { } length) env["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (http.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding) env["HTTP_CONTENT_ENCODING"] = encoding;
        if (http.Request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol) env["GIT_PROTOCOL"] = protocol;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var input = Task.Run(async () =>
        {
            try
            {
                await http.Request.Body.CopyToAsync(process.StandardInput.BaseStream);
            }
            catch (IOException) { /* the backend stopped reading */ }
            finally
            {
                process.StandardInput.Close();
            }
        });
        var output = process.StandardOutput.BaseStream;
        await ReadCgiHeadersAsync(output, http.Response);
        var buffer = new byte[81920];
        int read;
        while ((read = await output.ReadAsync(buffer)) > 0)
        {
            await http.Response.Body.WriteAsync(buffer.AsMemory(0, read));
            Interlocked.Add(ref _bytesSent, read);
        }
        await input;
        await process.WaitForExitAsync();
        await stderr;
    }

    /// <summary>Copies the CGI response's header block (Status, Content-Type, ...) onto the HTTP response.</summary>
    private static async Task ReadCgiHeadersAsync(Stream output, HttpResponse response)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await output.ReadAsync(one) == 1)
        {
            if (one[0] != '\n')
            {
                if (one[0] != '\r') line.Add(one[0]);
                continue;
            }
            if (line.Count == 0) return;
            var text = System.Text.Encoding.ASCII.GetString(line.ToArray());
            line.Clear();
            var colon = text.IndexOf(':');
            if (colon <= 0) continue;
            var name = text[..colon].Trim();
            var value = text[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                response.Headers.Append(name, value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
