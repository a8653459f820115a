using System.Net;
using System.Net.Sockets;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>Asks the kernel for an unused loopback port. Another process may grab it before PostgreSQL binds,
/// so callers retry with a fresh port when the server reports "could not bind".</summary>
internal static class FreeTcpPort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static bool IsFree(int port)
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
}
