using System.Diagnostics;
using OrderPlatform.Bench.Temporal;
using OrderPlatform.TemporalDev;
using Temporalio.Client;
using Temporalio.Worker;

// Usage: dotnet run -c Release --project bench/temporal [workflows=200] [concurrency=100] [maxCachedWorkflows=10000]
// Environment: TEMPORAL_TARGET=host:port (server in another process), BENCH_RPCS=1 (print calls per workflow).
int total = args.Length > 0 ? int.Parse(args[0]) : 200;
int concurrency = args.Length > 1 ? int.Parse(args[1]) : 100;

// TEMPORAL_TARGET=host:port runs against a server in another process (to split CPU between server and worker).
string? external = Environment.GetEnvironmentVariable("TEMPORAL_TARGET");
await using TemporalDevServer? server = external is null ? await TemporalDevServer.StartAsync(new TemporalDevServerOptions()) : null;
string target = external ?? server!.Target;
var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(target));
const string TaskQueue = "bench";
using var worker = new TemporalWorker(client, new TemporalWorkerOptions(TaskQueue)
{
    MaxConcurrentWorkflowTasks = 200,
    MaxConcurrentActivities = 200,
    MaxCachedWorkflows = args.Length > 2 ? int.Parse(args[2]) : 10_000,
}.AddWorkflow<StepsWorkflow>().AddActivity(BenchActivities.Step));

await worker.ExecuteAsync(async () =>
{
    Console.WriteLine($"server {target}{(server is null ? "" : " (embedded)")}, {Environment.ProcessorCount} cores, {total} workflows, {concurrency} in flight");
    // Warm-up runs both shapes: until the code on their path is compiled and tiered up, a stage measures the JIT.
    await RunAsync("warm-up (1 activity)", 1, Math.Min(total, 20), 10);
    await RunAsync("warm-up (8 activities)", 8, Math.Min(total, 100), 20);
    await RunAsync("baseline: 1 activity", 1, total, concurrency);
    await RunAsync("8 activities", 8, total, concurrency);
    await RunAsync("8 activities, 10 in flight", 8, total, 10);
    await RunAsync("8 activities, sequential", 8, Math.Min(total, 50), 1);
});

async Task RunAsync(string name, int steps, int count, int inFlight)
{
    var latencies = new double[count];
    int next = -1;
    using var process = Process.GetCurrentProcess();
    TimeSpan cpuBefore = process.TotalProcessorTime;
    Dictionary<string, long> callsBefore = server?.CallCounts.ToDictionary() ?? [];
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
    {
        for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
        {
            long started = Stopwatch.GetTimestamp();
            int result = await client.ExecuteWorkflowAsync(
                (StepsWorkflow wf) => wf.RunAsync(steps), new WorkflowOptions($"bench-{Guid.NewGuid()}", TaskQueue));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (result != steps)
            {
                throw new InvalidOperationException($"workflow returned {result}, expected {steps}");
            }
        }
    }));
    clock.Stop();
    process.Refresh();
    // This process's CPU (SDK worker and client, plus the server when embedded) per workflow, and how busy it kept
    // the machine's cores: tells a CPU-bound stage from one that waits.
    TimeSpan cpu = process.TotalProcessorTime - cpuBefore;
    Array.Sort(latencies);
    Console.WriteLine(
        $"{name,-28} {count / clock.Elapsed.TotalSeconds,8:F1} workflows/s   p50 {Percentile(latencies, 0.50),7:F1} ms   p99 {Percentile(latencies, 0.99),7:F1} ms"
        + $"   cpu {cpu.TotalMilliseconds / count,5:F1} ms/wf ({cpu / clock.Elapsed / Environment.ProcessorCount,4:P0})");
    // BENCH_RPCS=1 (embedded server only): calls per workflow by method, to spot a stage making calls it should not
    // (history fetches after cache misses, activity polls although activities run eagerly).
    if (server is not null && Environment.GetEnvironmentVariable("BENCH_RPCS") is not null)
    {
        Console.WriteLine("    rpcs/wf: " + string.Join(", ", server.CallCounts
            .Select(kv => (kv.Key, PerWorkflow: (kv.Value - callsBefore.GetValueOrDefault(kv.Key)) / (double)count))
            .Where(r => r.PerWorkflow > 0).OrderByDescending(r => r.PerWorkflow).Select(r => $"{r.Key} {r.PerWorkflow:F1}")));
    }
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
