using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.LocalProcesses;

namespace OrderPlatform.Bench.FlowRunner;

/// <summary>
/// The real FlowRunner as separate processes over one database and queue prefix: one <b>app</b> replica that takes
/// the HTTP traffic and runs no workers (<c>WorkerConcurrency=0</c>), and <c>workers</c> replicas that only execute runs,
/// activepieces' "1 app + 2 workers" shape. All are killed with the cluster.
/// </summary>
public sealed class FlowRunnerCluster : IAsyncDisposable
{
    public const string Key = "bench-flowrunner-key-not-a-secret";
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, string?> _settings;

    private FlowRunnerCluster(Uri app, Dictionary<string, string?> settings) => (App, _settings) = (app, settings);

    public Uri App { get; }

    /// <summary>The app replica alone; <see cref="AddWorkersAsync"/> starts the workers (runs wait in the queue until then).</summary>
    public static async Task<FlowRunnerCluster> StartAsync(string database, string redis, string blobs)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings__flowsdb"] = database,
            ["ConnectionStrings__redis"] = redis,
            ["ConnectionStrings__blobs"] = blobs,
            ["FlowRunner__Keys__0"] = Key,
            ["FlowRunner__Connections__Key"] = $"bench-connections-key-{Guid.NewGuid():N}",
            ["FlowRunner__PermitsPerMinute"] = "100000",
            ["FlowRunner__QueuePrefix"] = $"bench-flow-{Guid.NewGuid():N}"[..20],
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var appPort = FreePort();
        var cluster = new FlowRunnerCluster(new Uri($"http://127.0.0.1:{appPort}"), settings);
        try
        {
            // The app first, so one process applies the migrations before any worker polls.
            await WaitHealthyAsync(cluster.App, cluster.Start("app", appPort, settings, 0));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <param name="workerPriority">The workers' <c>FlowRunner:ProcessPriority</c> (the app's stays Normal).</param>
    public async Task AddWorkersAsync(int workers, int workerConcurrency, string workerPriority)
    {
        var started = new List<(Uri Uri, Process Process)>();
        for (var i = 0; i < workers; i++)
        {
            var port = FreePort();
            var workerSettings = new Dictionary<string, string?>(_settings) { ["FlowRunner__ProcessPriority"] = workerPriority };
            started.Add((new Uri($"http://127.0.0.1:{port}"), Start($"worker-{_processes.Count}", port, workerSettings, workerConcurrency)));
        }

        foreach (var (uri, process) in started)
        {
            await WaitHealthyAsync(uri, process);
        }
    }

    /// <summary>CPU time used so far by the app process and by all worker processes: per-request and per-run cost that
    /// the other load on the machine does not change much, unlike latency.</summary>
    public (TimeSpan App, TimeSpan Workers) Cpu()
    {
        foreach (var process in _processes)
        {
            process.Refresh();
        }

        return (_processes[0].TotalProcessorTime, _processes.Skip(1).Aggregate(TimeSpan.Zero, (sum, p) => sum + p.TotalProcessorTime));
    }

    public HttpClient Client(bool withKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = App, Timeout = TimeSpan.FromSeconds(60) };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            process.Dispose();
        }
    }

    private Process Start(string name, int port, Dictionary<string, string?> settings, int workerConcurrency)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OrderPlatform.FlowRunner.dll");
        var start = new ProcessStartInfo(Binaries.DotnetHost(), [dll]);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["FlowRunner__WorkerConcurrency"] = workerConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = BenchProcesses.StartForwardingErrors(start, $"FlowRunner {name}");
        _processes.Add(process);
        return process;
    }

    // Fails at once when the process has exited (its error output is forwarded above), not after the 2 minutes.
    private static async Task WaitHealthyAsync(Uri uri, Process process)
    {
        using var client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The FlowRunner at {uri} exited with code {process.ExitCode} before it was healthy; its output is above.");
            }

            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The FlowRunner at {uri} did not become healthy within 2 minutes.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
