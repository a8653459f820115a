using System.Net;
using System.Net.Sockets;

namespace TerraFlow.Testing;

/// <summary>
/// A free TCP port on 127.0.0.1, for servers whose address must be known before they start (e.g. an OAuth redirect
/// URI registered with a stand-in, or a child process told where to listen).
/// </summary>
/// <remarks>
/// Why not "bind port 0, read it, close": the kernel hands that same ephemeral range to every outgoing connection and
/// every other server started on port 0, so between our close and the server's bind the port can be taken (CI saw
/// "address already in use" exactly this way). Ports are therefore picked at random BELOW the kernel's ephemeral range
/// (net.ipv4.ip_local_port_range), which the kernel never assigns on its own, checked by binding, and never handed out
/// twice by this process.
/// </remarks>
public static class LoopbackPort
{
    private const int LowestPort = 10_000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Free()
    {
        var ceiling = EphemeralRangeStart();
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200 && ceiling - LowestPort > 100; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, ceiling);
                if (HandedOut.Contains(port) || !CanBind(port)) continue;
                HandedOut.Add(port);
                return port;
            }
        }
        // A machine whose ephemeral range starts very low: fall back to asking the kernel.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (range.Length > 0 && int.TryParse(range[0], out var start)) return start;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 32_768; // Linux's default when /proc is not readable.
    }
}
