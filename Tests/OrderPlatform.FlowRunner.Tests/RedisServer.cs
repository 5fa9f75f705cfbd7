using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.LocalProcesses;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// A <c>redis-server</c> of one test's own, without persistence, that the test can SIGKILL and start again on the same
/// port (a restart that loses every key, the harshest case). Disposing kills it, whatever the test's outcome,
/// and a guard kills it if the test host dies first.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _binary;
    private Process? _process;
    private Process? _guard;

    private RedisServer(string binary, int port) => (_binary, Port) = (binary, port);

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    public static async Task<RedisServer> StartAsync()
    {
        var binary = Binaries.Find("redis-server") ?? throw new InvalidOperationException("redis-server is missing: sudo apt-get install -y redis-server");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = new RedisServer(binary, ((IPEndPoint)listener.LocalEndpoint).Port);
        listener.Stop();
        await server.RestartAsync();
        return server;
    }

    public void Kill()
    {
        ProcessGuard.Stop(_guard);
        _process?.Kill();
        _process?.WaitForExit(10_000);
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server (again) and returns once it answers PING.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo(_binary, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no"]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        // Gone with the test host even when it is SIGKILLed (a hung run ended by its timeout).
        _guard = ProcessGuard.Watch(_process.Id);
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Infrastructure.EventuallyAsync(PongAsync, () => $"redis-server on port {Port} to answer PING", 30);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> PongAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
