using System.Net;
using System.Net.Sockets;

namespace TerraFlow.Testing;

/// <summary>
/// A free TCP port on 127.0.0.1, for servers whose address must be known before they start (e.g. an OAuth redirect
/// URI registered with a stand-in, or a child process told where to listen).
/// </summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
