using System.Net;
using System.Net.Sockets;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// Free loopback ports for local processes, taken below the kernel's ephemeral range: a port from bind(0) is released
/// before the program binds it, and under load an outgoing connection (any health check, any client) can take that
/// ephemeral port as its local port in between; below the range only another listener can.
/// </summary>
internal static class PortPicker
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Given = [];

    public static int Pick()
    {
        var (low, high) = Range();
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(low, high);
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether nothing listens on (or holds) the loopback port.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // From 20000 up to the start of the ephemeral range (32768 by default on Linux).
    private static (int Low, int High) Range()
    {
        var ephemeralStart = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            ephemeralStart = int.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
        }
        return ephemeralStart > 21000 ? (20000, ephemeralStart) : (10000, 20000);
    }
}
