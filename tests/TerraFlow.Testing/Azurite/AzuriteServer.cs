using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TerraFlow.Testing.Azurite;

/// <summary>
/// A private Azurite blob service for one test class: <c>azurite-blob</c> on 127.0.0.1 and a free port, data in a
/// temporary folder, telemetry off. Dispose stops it and deletes the folder. Azurite (npm package "azurite") must be
/// installed: on PATH, in the global npm prefix, or in "&lt;repo&gt;/.tools/azurite" where .ci/run puts it when a
/// global install is not possible. When it is missing, <see cref="StartAsync"/> fails with instructions; tests that
/// need Azurite never skip.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Env var with the full path of an azurite-blob executable, to override the search.</summary>
    public const string ExecutableVariable = "TERRAFLOW_AZURITE_BLOB";

    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (published in its README; not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _location;
    private readonly StringBuilder _output;

    private AzuriteServer(Process process, string location, int port, StringBuilder output, X509Certificate2? certificate)
    {
        _process = process;
        _location = location;
        _output = output;
        Certificate = certificate;
        BlobEndpoint = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}/{AccountName}");
    }

    /// <summary>Path-style endpoint of the dev account, e.g. http://127.0.0.1:54321/devstoreaccount1 (https with OAuth).</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The self-signed certificate Azurite serves HTTPS with (OAuth mode only): tests trust exactly this one.</summary>
    public X509Certificate2? Certificate { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>What Azurite printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<AzuriteServer> StartAsync(CancellationToken ct = default) => StartAsync(oauth: false, ct);

    /// <summary>
    /// Azurite over HTTPS (a fresh self-signed certificate for 127.0.0.1) with <c>--oauth basic</c>: it then also accepts
    /// Entra ID bearer tokens, checking their audience, issuer and lifetime (not their signature), as Azure would
    /// before looking at roles. Bearer tokens are only ever sent over HTTPS, so this is how Entra auth is tested.
    /// </summary>
    public static Task<AzuriteServer> StartWithOAuthAsync(CancellationToken ct = default) => StartAsync(oauth: true, ct);

    private static async Task<AzuriteServer> StartAsync(bool oauth, CancellationToken ct)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "Azurite is not installed, and the Azure Blob artifact-store tests need it. Run .ci/run, or `npm install -g azurite` " +
            $"(Node.js LTS required), or set {ExecutableVariable} to the path of azurite-blob.");
        var location = Directory.CreateTempSubdirectory("terraflow-azurite-").FullName;
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", location, "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        X509Certificate2? certificate = null;
        if (oauth)
        {
            certificate = WriteSelfSignedCertificate(location, out var certPath, out var keyPath);
            foreach (var argument in new[] { "--cert", certPath, "--key", keyPath, "--oauth", "basic" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(process, location, port, output, certificate);
        try
        {
            await server.WaitUntilListeningAsync(port, ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or refuses to die: nothing more a test can do; the temp folder is removed below anyway.
        }
        finally
        {
            _process.Dispose();
            Certificate?.Dispose();
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static X509Certificate2 WriteSelfSignedCertificate(string folder, out string certPath, out string keyPath)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        certPath = Path.Combine(folder, "azurite-cert.pem");
        keyPath = Path.Combine(folder, "azurite-key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    /// <summary>Looks in: the override variable, PATH, "&lt;repo&gt;/.tools/azurite/node_modules/.bin", the global npm prefix.</summary>
    public static string? FindExecutable()
    {
        var overridden = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(overridden) ? overridden : throw new InvalidOperationException($"{ExecutableVariable}={overridden} does not exist.");
        }

        var name = OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob";
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (RepoLayout.TryFindRoot() is { } repo)
        {
            candidates.Add(Path.Combine(repo, ".tools", "azurite", "node_modules", ".bin"));
        }

        var found = candidates.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
        return found ?? FromNpmGlobalPrefix(name);
    }

    /// <summary>npm's global bin folder may not be on PATH (e.g. a user prefix): ask npm where it is.</summary>
    private static string? FromNpmGlobalPrefix(string name)
    {
        try
        {
            var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("prefix");
            start.ArgumentList.Add("-g");
            using var npm = Process.Start(start)!;
            var prefix = npm.StandardOutput.ReadToEnd().Trim();
            npm.WaitForExit(10_000);
            var candidate = OperatingSystem.IsWindows() ? Path.Combine(prefix, name) : Path.Combine(prefix, "bin", name);
            return prefix.Length > 0 && File.Exists(candidate) ? candidate : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no npm at all
        }
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"azurite-blob exited with code {_process.ExitCode} before listening:\n{Output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            catch (SocketException e)
            {
                throw new TimeoutException($"azurite-blob did not listen on 127.0.0.1:{port} within {StartTimeout.TotalSeconds:0}s ({e.Message}):\n{Output}");
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
