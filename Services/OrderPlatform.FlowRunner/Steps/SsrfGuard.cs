using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Steps;

/// <summary>
/// Refuses connections to loopback, private (RFC 1918, CGNAT, IPv6 unique-local), link-local (cloud metadata at
/// 169.254.169.254), multicast and unspecified addresses unless the allow-list names the host or a block containing the
/// address. It runs in the socket's connect callback on the address actually dialled, so a DNS answer that changes
/// between check and connect (rebinding) cannot slip through.
/// </summary>
public sealed class SsrfGuard(IOptions<FlowRunnerOptions> options)
{
    public bool IsAllowed(string host, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (!IsRestricted(address))
        {
            return true;
        }

        foreach (var entry in options.Value.Http.AllowedPrivateTargets)
        {
            if (string.Equals(entry, host, StringComparison.OrdinalIgnoreCase)
                || (IPNetwork.TryParse(entry, out var network) && network.Contains(address))
                || (IPAddress.TryParse(entry, out var single) && single.Equals(address)))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsRestricted(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127,
            169 => b[1] == 254,
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2),
            198 => b[1] is 18 or 19,
            >= 224 => true,
            _ => false,
        };
    }

    /// <summary>A handler whose every connection goes through the guard; no proxy, so the check sees the real target.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            var target = addresses.FirstOrDefault(a => IsAllowed(host, a))
                ?? throw new StepFailure("SSRF_BLOCKED", $"Refused to connect to '{host}' ({string.Join(", ", addresses.Select(a => a.ToString()))}): private, loopback and link-local targets need an entry in FlowRunner:Http:AllowedPrivateTargets.");
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(target, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
