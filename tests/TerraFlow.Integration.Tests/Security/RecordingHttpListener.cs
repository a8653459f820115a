using System.Collections.Concurrent;
using System.Net;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// A second HTTP server on loopback that stands for "another host": it records every request's path and headers
/// (so a test can prove no token arrived) and answers 404, as a git server that has no such repository would.
/// </summary>
internal sealed class RecordingHttpListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _requests = new();
    private readonly Task _loop;

    public RecordingHttpListener()
    {
        Port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    public IReadOnlyList<(string Path, string? Authorization)> Requests => _requests.ToArray();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _requests.Enqueue((context.Request.RawUrl ?? "", context.Request.Headers["Authorization"]));
            context.Response.StatusCode = 404;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
