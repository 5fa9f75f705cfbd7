using OrderPlatform.Orders.Tests;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OrderPlatform.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using Aspire.Hosting.Testing;
using OrderPlatform.TemporalDev;

/// <summary>
/// Upload→draft latency on the local graph: Postgres, Redis and Azurite from the hosting testing builder, the embedded
/// Temporal server, the built Api and Worker as their own processes, and <see cref="FakeZoho"/> (the Orders tests' fake) as Zoho Books. Each
/// case is timed from the POST to the moment its status reads Completed (draft created and the user told).
/// </summary>
internal static class UploadBench
{
    private const string ApiKey = "bench-api-key-not-a-secret";

    /// <summary><paramref name="zohoRequestsPerMinute"/> is the Worker's client-side Zoho throttle (80 by default, as in production).</summary>
    public static async Task RunAsync(byte[] order, int single, int uploads, int concurrency, int zohoRequestsPerMinute)
    {
        await using var temporal = await TemporalDevServer.StartAsync(new TemporalDevServerOptions
        {
            Namespaces = { OrderWorkflow.DefaultNamespace },
            LongPollHold = TimeSpan.FromSeconds(2),
        });
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        var storage = builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher());
        storage.AddBlobs("blobs");
        storage.AddQueues("queues");
        builder.AddRedis("redis").WithLocalProcessFallback();
        await using var app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb", "redis", "storage"], CancellationToken.None);
        await using var zoho = await FakeZoho.StartAsync(CancellationToken.None);

        var apiPort = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:temporal"] = temporal.Target,
            ["Temporal:Namespace"] = OrderWorkflow.DefaultNamespace,
            ["Temporal:TaskQueue"] = OrderWorkflow.DefaultTaskQueue,
            ["Api:Clients:bench:Keys:0"] = ApiKey,
            ["Api:Clients:bench:Scopes:0"] = "orders",
            ["Api:Clients:bench:Tenants:0"] = "*",
            ["Api:PermitsPerMinute"] = "100000",
            ["Zoho:ClientId"] = FakeZoho.ClientId,
            ["Zoho:ClientSecret"] = FakeZoho.ClientSecret,
            ["Zoho:RefreshToken"] = FakeZoho.RefreshToken,
            ["Zoho:OrganizationId"] = FakeZoho.Organization,
            ["Zoho:AccountsUrl"] = zoho.Address.ToString(),
            ["Zoho:RequestsPerMinute"] = zohoRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var name in new[] { "ordersdb", "redis", "blobs", "queues" })
        {
            settings[$"ConnectionStrings:{name}"] = await app.GetConnectionStringAsync(name);
        }

        using var worker = Service("OrderPlatform.Worker", settings, "http://127.0.0.1:0");
        using var api = Service("OrderPlatform.Api", settings, $"http://127.0.0.1:{apiPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        await WaitForApiAsync(http);

        // Warm-up: JIT, connection pools, the catalog seed and the first Temporal task queue poll.
        await TimeCaseAsync(http, order);

        // Paced first, while the throttle's bucket is full: one case per two Zoho calls' worth of budget measures what a
        // user uploading one order sees. Back to back, 20 cases want ~40 calls in a few seconds, past the budget.
        var pace = TimeSpan.FromSeconds(120.0 / zohoRequestsPerMinute);
        var paced = await SeriesAsync(http, order, single, pace);
        await ExplainSlowAsync(http);
        var baseline = await SeriesAsync(http, order, single, TimeSpan.Zero);
        Console.WriteLine($"Single case, paced one per {pace.TotalMilliseconds:N0} ms ({single} cases): p50 {Percentile(paced, 0.50),7:N0} ms, p99 {Percentile(paced, 0.99),7:N0} ms");
        Console.WriteLine($"Single case, back to back ({single} cases)   : p50 {Percentile(baseline, 0.50),7:N0} ms, p99 {Percentile(baseline, 0.99),7:N0} ms; " +
            $"in order: {string.Join(" ", baseline.Select(t => t.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}");
        await ExplainSlowAsync(http);
        if (uploads == 0)
        {
            return;
        }

        var gate = new SemaphoreSlim(concurrency);
        var wall = Stopwatch.StartNew();
        var times = await Task.WhenAll(Enumerable.Range(0, uploads).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await TimeCaseAsync(http, order);
            }
            finally
            {
                gate.Release();
            }
        }));
        wall.Stop();

        Console.WriteLine($"{uploads} uploads, {concurrency} in flight     : p50 {Percentile(times, 0.50),7:N0} ms, p99 {Percentile(times, 0.99),7:N0} ms, " +
            $"{uploads / wall.Elapsed.TotalSeconds:N1} cases/s; {zoho.OrderCount} drafts in the Zoho fake");
        // Each case makes a lookup and a create, so once the throttle's budget is spent it sets both throughput and the tail.
        Console.WriteLine($"Zoho throttle {zohoRequestsPerMinute}/min, two calls per case: sustained at most ~{zohoRequestsPerMinute / 120.0:N1} cases/s");
    }

    /// <summary>Cases one at a time, each started at least <paramref name="pace"/> after the one before.</summary>
    private static async Task<List<double>> SeriesAsync(HttpClient http, byte[] order, int count, TimeSpan pace)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var next = Task.Delay(pace);
            times.Add(await TimeCaseAsync(http, order));
            await next;
        }

        return times;
    }

    /// <summary>Upload, then poll the status route until Completed; the figure includes the 20 ms poll granularity.</summary>
    private static async Task<double> TimeCaseAsync(HttpClient http, byte[] order)
    {
        var watch = Stopwatch.StartNew();
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(order);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(file, "file", "Bestellung.xlsx");
        content.Add(new StringContent($"bench-{Guid.NewGuid():N}"), "tenantId");
        content.Add(new StringContent("bench-user"), "userId");
        using var response = await http.PostAsync("/api/orders", content);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var caseId = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["caseId"]!.ToString();
        var posted = DateTimeOffset.UtcNow - watch.Elapsed;
        while (true)
        {
            var status = JsonNode.Parse(await http.GetStringAsync($"/api/workflow/{caseId}/status"))!["status"]!.ToString();
            if (status == nameof(CaseStatus.Completed))
            {
                if (watch.Elapsed > SlowCase)
                {
                    Slow.Add((caseId, posted, watch.Elapsed.TotalMilliseconds));
                }

                return watch.Elapsed.TotalMilliseconds;
            }

            if (status is nameof(CaseStatus.Failed) or nameof(CaseStatus.NeedsAttention) or nameof(CaseStatus.AwaitingCorrections) || watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException($"case {caseId} ended as {status} after {watch.Elapsed.TotalSeconds:N1} s; the bench order must pass straight through");
            }

            await Task.Delay(20);
        }
    }

    private static readonly TimeSpan SlowCase = TimeSpan.FromSeconds(1);

    private static readonly List<(string CaseId, DateTimeOffset Posted, double Ms)> Slow = [];

    /// <summary>Where the slow cases spent their time: the three widest gaps in their audit trail, each before its step.</summary>
    private static async Task ExplainSlowAsync(HttpClient http)
    {
        foreach (var (caseId, posted, ms) in Slow)
        {
            var events = JsonNode.Parse(await http.GetStringAsync($"/api/cases/{caseId}/events"))!.AsArray()
                .Select(e => (At: e!["at"]!.GetValue<DateTimeOffset>(), Step: e["step"]!.ToString())).ToList();
            var gaps = events.Select((e, i) => (e.Step, Ms: (e.At - (i == 0 ? posted : events[i - 1].At)).TotalMilliseconds))
                .OrderByDescending(g => g.Ms).Take(3);
            Console.WriteLine($"  slow case {ms,6:N0} ms: widest gaps before " + string.Join(", ", gaps.Select(g => $"{g.Step} {g.Ms:N0} ms")));
        }

        Slow.Clear();
    }

    private static async Task WaitForApiAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                using var health = await http.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the Api did not become healthy within 2 minutes");
            }

            await Task.Delay(200);
        }
    }

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A built service (same configuration as this bench) as its own process, configured through the environment.</summary>
    private static ServiceProcess Service(string name, Dictionary<string, string?> settings, string urls)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.GetFullPath(Path.Combine(here.FullName, "..", "..", "..", "..", "..", "Services", name, "bin", here.Parent!.Name, here.Name, $"{name}.dll"));
        var start = new ProcessStartInfo("dotnet", [dll]);
        start.Environment["ASPNETCORE_URLS"] = urls;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = OrderPlatform.Bench.BenchProcesses.StartForwardingErrors(start, name);
        return new ServiceProcess(process);
    }

    /// <summary>Ends the service with the bench, whether the run finished or threw.</summary>
    private sealed class ServiceProcess(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }

            process.Dispose();
        }
    }
}
