using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using TerraFlow.Adapters.Postgres.Embedded;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.CrashRecovery;

/// <summary>
/// The real TerraFlow host (TerraFlow.Functions.dll) as a child process with no connection string, so it runs the
/// embedded PostgreSQL in <see cref="Root"/>/.terraflow/postgres. Tests kill it (SIGKILL) at any moment, or arm a
/// named <see cref="CrashHook"/> point, and start another on the same folder. Its console log is kept for assertions.
/// </summary>
public sealed class EmbeddedHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private EmbeddedHostProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    public string Log => string.Join('\n', _log);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static string DataDirectory(string root) => Path.Combine(root, ".terraflow", "postgres");

    public static EmbeddedHostProcess Start(string root, string? crashAt = null, IDictionary<string, string>? settings = null)
    {
        var port = LoopbackPort.Free();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TerraFlow.Functions.dll"));
        psi.ArgumentList.Add("--urls=http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        psi.Environment.Remove("ConnectionStrings__Postgres");
        psi.Environment["TerraFlow__DataPath"] = DataDirectory(root);
        psi.Environment["TerraFlow__ArtifactsPath"] = Path.Combine(root, ".terraflow", "artifacts");
        psi.Environment["TerraFlow__Runner__InProcess"] = "false";
        psi.Environment["Logging__LogLevel__Default"] = "Information";
        psi.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        if (crashAt is not null) psi.Environment[CrashHook.EnvironmentVariable] = crashAt;
        else psi.Environment.Remove(CrashHook.EnvironmentVariable);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        return new EmbeddedHostProcess(Process.Start(psi)!, "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL, as an operator's kill -9 or the OOM killer would: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for a clean stop (which stops the embedded server too).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { Kill(); }
    }

    /// <summary>Waits until <c>/api/health</c> answers 200; fails with the log when the process exits or time runs out.</summary>
    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The host exited ({_process.ExitCode}) before it was healthy:\n{Log}");
            try
            {
                using var answer = await http.GetAsync(BaseUrl + "/api/health");
                if ((int)answer.StatusCode == 200) return;
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(200);
        }

        throw new TimeoutException($"The host was not healthy within {timeout}:\n{Log}");
    }

    /// <summary>Stops whatever postmaster a killed host left running on the folder (tests must not leak servers).</summary>
    public static void StopLeftoverServer(string root)
    {
        if (PostmasterPidFile.TryRead(DataDirectory(root)) is { } pid && pid.IsPostgresAlive())
        {
            using var kill = Process.Start("kill", ["-QUIT", pid.ProcessId.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (pid.IsPostgresAlive() && DateTime.UtcNow < deadline) Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
