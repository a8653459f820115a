using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TerraFlow.Testing;
using TerraFlow.Testing.Azurite;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>
/// The full Azurite (blob, queue and table: the Durable Task Azure Storage backend needs all three) on 127.0.0.1 and
/// free ports, in memory (the benchmark's PostgreSQL is a temporary cluster with fsync off, so neither side pays for
/// disk flushes), telemetry off. Dispose stops it.
/// </summary>
internal sealed class AzuriteFull : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AzuriteFull(Process process, int blob, int queue, int table)
    {
        _process = process;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/{AzuriteServer.AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/{AzuriteServer.AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{table}/{AzuriteServer.AccountName};";
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteFull> StartAsync(CancellationToken ct)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "`azurite` is not installed (the Durable Task side needs blob, queue and table): npm install -g azurite@3.35.0");
        var (blob, queue, table) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(), "--inMemoryPersistence", "--silent", "--disableTelemetry", "--skipApiVersionCheck",
        })
            start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var server = new AzuriteFull(process, blob, queue, table);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            foreach (var port in new[] { blob, queue, table }) await server.WaitForPortAsync(port, ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitForPortAsync(int port, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"azurite exited with code {_process.ExitCode}:\n{Output}");
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
        }
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>The full <c>azurite</c> beside wherever <c>azurite-blob</c> is found (PATH, the repo's .tools, npm's global prefix).</summary>
    private static string? FindExecutable()
    {
        var blob = AzuriteServer.FindExecutable();
        if (blob is null) return null;
        var full = Path.Combine(Path.GetDirectoryName(blob)!, OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        return File.Exists(full) ? full : null;
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
            // Already gone or refusing to die: nothing more to do here.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
