using System.Net;
using System.Net.Sockets;

namespace OrderPlatform.ServiceDefaults.Outbound;

/// <summary>Thrown (inside an <see cref="HttpRequestException"/>) when a request would reach an address it may not.</summary>
public sealed class OutboundRefusedException(string message) : IOException(message);

/// <summary>
/// HTTP for requests whose address comes, in whole or in part, from input (a Teams attachment's download URL, Zoho's
/// <c>api_domain</c>): never follows a redirect, connects only to public addresses unless the caller allows private
/// ones, and reads a body only up to a cap whatever Content-Length says.
/// </summary>
public static class OutboundHttp
{
    /// <summary>
    /// A handler without redirects whose connect step resolves the host itself and connects to the address it checked,
    /// so a name that resolves to 127.0.0.1, 10.x, 169.254.169.254 (instance metadata) or fd00::/8 is refused even
    /// when it changes between the check and the connection.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateTargets) =>
        CreateHandler(allowPrivateTargets ? (_, _) => true : (_, _) => false);

    /// <summary>
    /// The same, allowing a private address only when <paramref name="allowedPrivateTargets"/> names its host, the
    /// address itself or a CIDR block holding it (an automation step calling a service on the private network).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(IReadOnlyCollection<string> allowedPrivateTargets) =>
        CreateHandler((host, address) => allowedPrivateTargets.Any(entry =>
            string.Equals(entry, host, StringComparison.OrdinalIgnoreCase)
            || (IPNetwork.TryParse(entry, out var network) && network.Contains(address))
            || (IPAddress.TryParse(entry, out var single) && single.Equals(address))));

    private static SocketsHttpHandler CreateHandler(Func<string, IPAddress, bool> allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        // Through a proxy the connect step would check the proxy's address, not the target's.
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivate, ct),
    };

    /// <summary>Loopback, private (RFC 1918, CGNAT, unique-local), link-local, unspecified and multicast addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && (b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2)))
            || (b[0] == 198 && b[1] is 18 or 19)
            || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }

    /// <summary>The body, or null as soon as it grows past <paramref name="maxBytes"/>.</summary>
    public static async Task<MemoryStream?> ReadCappedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var source = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var target = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (target.Length + read > maxBytes)
            {
                await target.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            target.Write(chunk, 0, read);
        }

        target.Position = 0;
        return target;
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, Func<string, IPAddress, bool> allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct).ConfigureAwait(false);
        var allowed = addresses.Where(a => !IsPrivate(a) || allowPrivate(endpoint.Host, a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)).ToArray();
        if (allowed.Length == 0)
        {
            // The host is named, never the addresses: they would tell a caller what our network looks like.
            throw new OutboundRefusedException($"{endpoint.Host} does not resolve to a public address; the request was not sent.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
