using System.Net;
using System.Net.Sockets;

namespace OrderPlatform.Tests;

/// <summary>Ports for servers a test starts itself (linked into every test project).</summary>
internal static class FreePorts
{
    /// <summary>A loopback port nothing listens on now (the OS's next ephemeral one; free unless another process takes it first).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
