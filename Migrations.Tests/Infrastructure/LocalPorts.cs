using System.Net;
using System.Net.Sockets;

namespace Migrations.Tests.Infrastructure;

/// <summary>Ports on loopback for the tests of connections that fail: never an address off this machine.</summary>
public static class LocalPorts
{
    /// <summary>A port bound then released: nothing listens there any more, and nothing else is likely to take it within seconds.</summary>
    public static int Closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
