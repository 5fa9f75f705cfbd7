using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// A TCP forwarder on a loopback port in front of a real server (here the suite's Postgres), which a test can take
/// down: every open connection is reset and new ones are refused, as when the database host goes away, until
/// <see cref="Restore"/> listens on the same port again. The server itself keeps running for the other tests.
/// </summary>
public sealed class OutageProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public OutageProxy(string host, int port)
    {
        _target = new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
        Port = Listen(0);
    }

    public int Port { get; }

    /// <summary>Resets every connection through the proxy and refuses new ones.</summary>
    public async Task TakeDownAsync()
    {
        _listener?.Stop();
        _listener = null;
        await _accepting.ConfigureAwait(false);
        foreach (var client in _open.Keys)
        {
            // A forward that ended meanwhile has disposed its socket already.
            try
            {
                client.Client?.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
            }

            client.Dispose();
        }

        _open.Clear();
    }

    public void Restore() => Listen(Port);

    public async ValueTask DisposeAsync()
    {
        await TakeDownAsync();
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    private int Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = ForwardAsync(inbound);
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        _open[inbound] = 0;
        _open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = inbound.GetStream().CopyToAsync(outbound.GetStream(), done.Token);
            var down = outbound.GetStream().CopyToAsync(inbound.GetStream(), done.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Either side went away (or the test took the proxy down): both connections close below.
        }
        finally
        {
            _open.TryRemove(inbound, out _);
            _open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
