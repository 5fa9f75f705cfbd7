using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>
/// A real Azurite for the emulator tests: the npm package the repo pins (installed once into the tools cache,
/// <c>{tools}/azurite-{version}</c>, as the hosting does), run with Node on free loopback ports and a temporary folder.
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    public const string Version = "3.37.0";

    private readonly Process _process;
    private readonly string _data;

    private Azurite(Process process, string data, int blobPort, int queuePort, int tablePort)
    {
        (_process, _data, BlobPort, QueuePort, TablePort) = (process, data, blobPort, queuePort, tablePort);
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public static async Task<Azurite> StartAsync(CancellationToken cancellationToken)
    {
        var script = await EnsureInstalledAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("azurite-").FullName;
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1",
            "--queuePort", $"{queue}", "--tableHost", "127.0.0.1", "--tablePort", $"{table}", "--location", data,
            "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent" })
        {
            start.ArgumentList.Add(arg);
        }
        var azurite = new Azurite(Process.Start(start)!, data, blob, queue, table);
        azurite._process.OutputDataReceived += (_, _) => { };
        azurite._process.ErrorDataReceived += (_, _) => { };
        azurite._process.BeginOutputReadLine();
        azurite._process.BeginErrorReadLine();
        await azurite.WaitListeningAsync(cancellationToken);
        return azurite;
    }

    /// <summary>A port nothing listens on (taken from the OS, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private async Task WaitListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { BlobPort, QueuePort })
        {
            while (true)
            {
                Assert.False(_process.HasExited, $"Azurite exited with code {(_process.HasExited ? _process.ExitCode : 0)}.");
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
    }

    private static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(ToolsDirectory(), $"azurite-{Version}");
        var script = Path.Combine(folder, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(script))
        {
            return script;
        }
        Directory.CreateDirectory(folder);
        await using var gate = await LockAsync(Path.Combine(folder, ".install.lock"), cancellationToken);
        if (!File.Exists(script))
        {
            var npm = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "install", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error", $"azurite@{Version}" })
            {
                npm.ArgumentList.Add(arg);
            }
            using var process = Process.Start(npm)!;
            var output = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            Assert.True(process.ExitCode == 0 && File.Exists(script), $"npm install azurite@{Version} failed: {await output}");
        }
        return script;
    }

    private static string ToolsDirectory() =>
        Environment.GetEnvironmentVariable("ORDERPLATFORM_TOOLS_DIR") is { Length: > 0 } dir ? dir
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "orderplatform", "tools");

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
