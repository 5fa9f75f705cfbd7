using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using Npgsql;
using OrderPlatform.Bench.FlowRunner;
using OrderPlatform.Tests;

// bench/flowrunner: (a) the Redis queue from one process next to BullMQ on the same Redis, same job count and
// concurrency; (b) webhook → code step → completion through 1 app + N worker FlowRunner processes, next to
// activepieces' published figures (spec §12). Usage: dotnet run -c Release --project bench/flowrunner -- [name=value ...]
var settings = new Dictionary<string, int>
{
    ["jobs"] = 20_000, ["concurrency"] = 100,
    ["rate"] = 500, ["seconds"] = 10, ["warm-seconds"] = 20, ["burst"] = 10_000, ["in-flight"] = 64, ["sync"] = 300,
    ["workers"] = 2, ["worker-concurrency"] = 8, ["worker-below-normal"] = 0,
};
foreach (var arg in args)
{
    var (name, value) = arg.Split('=', 2) is [var n, var v] ? (n, v) : throw new ArgumentException($"Arguments are name=value ({string.Join(", ", settings.Keys)}), not '{arg}'.");
    settings[settings.ContainsKey(name) ? name : throw new ArgumentException($"Unknown setting '{name}'.")] = int.Parse(value, CultureInfo.InvariantCulture);
}

var builder = TestApps.CreateBuilder();
builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("flowsdb");
builder.AddRedis("redis").WithLocalProcessFallback();
// Step outputs over 32 KB and large bodies go to blob storage, which the FlowRunner needs to start.
builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher()).AddBlobs("blobs");
await using var infra = await TestApps.StartAsync(builder, ["flowsdb", "redis", "storage"], CancellationToken.None);
var redis = await TestApps.ConnectionStringAsync(infra, "redis", CancellationToken.None);
var database = await TestApps.ConnectionStringAsync(infra, "flowsdb", CancellationToken.None);
var blobs = await TestApps.ConnectionStringAsync(infra, "blobs", CancellationToken.None);
Console.WriteLine($"bench/flowrunner on {Environment.ProcessorCount} cores, load average {Load()}; settings: {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}");

var (jobs, concurrency) = (settings["jobs"], settings["concurrency"]);
// Warm both sides on a tenth of the jobs (the JIT here, Node's there) before the measured pass.
await QueueBench.OursAsync(redis, jobs / 10, concurrency);
var ours = await QueueBench.OursAsync(redis, jobs, concurrency);
Progress($"ours: {ours}");
await QueueBench.BullMqAsync(redis, jobs / 10, concurrency);
var bull = await QueueBench.BullMqAsync(redis, jobs, concurrency);
Progress($"BullMQ: {bull}");

// The goal is per app instance (spec §12), so ingest is measured first with the app replica alone, as deployed where
// app and worker replicas have cores of their own: its runs wait durably in the queue and are all drained (and
// checked) once the workers start. Then again with the workers sharing the two cores, as context.
await using var cluster = await FlowRunnerCluster.StartAsync(database, redis, blobs);
await using var db = NpgsqlDataSource.Create(database);
var bench = new FlowBench(cluster, db);
var (rate, seconds) = (settings["rate"], settings["seconds"]);
var aloneFlow = await bench.AsyncFlowAsync();
// Seconds at the rate warm the app before the measured pass: tiered compilation with dynamic PGO recompiles methods
// for the first half minute or so (dotnet-counters: 130-220 methods/s, 0.6-0.7 s of JIT per second, 25-35 s after
// start), CPU the measured requests would otherwise share.
var warm = await bench.FixedRateAsync(aloneFlow, rate, settings["warm-seconds"]);
var cpuA = cluster.Cpu();
var alone = await bench.FixedRateAsync(aloneFlow, rate, seconds);
var aloneCpu = (cluster.Cpu().App - cpuA.App).TotalMilliseconds / alone.Requests;
Progress($"ingest, app alone: {alone}; app CPU {aloneCpu:N2} ms per webhook");

// worker-below-normal=1: the workers run with FlowRunner:ProcessPriority=BelowNormal, the deployment setting for
// worker replicas that share cores with the replica taking webhooks.
var workerPriority = settings["worker-below-normal"] == 1 ? "BelowNormal" : "Normal";
await cluster.AddWorkersAsync(settings["workers"], settings["worker-concurrency"], workerPriority);
await bench.WaitSucceededAsync(aloneFlow, warm.Requests + alone.Requests);
var asyncFlow = await bench.AsyncFlowAsync();
var syncFlow = await bench.SyncFlowAsync();
await bench.BurstAsync(asyncFlow, 500, settings["in-flight"]);
await bench.SyncAsync(syncFlow, 50);
var cpu0 = cluster.Cpu();
var ingest = await bench.FixedRateAsync(asyncFlow, rate, seconds);
var cpu1 = cluster.Cpu();
var ingestCpu = (cpu1.App - cpu0.App).TotalMilliseconds / ingest.Requests;
Progress($"ingest beside the workers: {ingest}; app CPU {ingestCpu:N2} ms per webhook");
var burstFlow = await bench.AsyncFlowAsync();
// The ingest phase's runs are drained first, so the burst's worker CPU is the burst's own.
await bench.DrainAsync();
var cpu2 = cluster.Cpu();
var burst = await bench.BurstAsync(burstFlow, settings["burst"], settings["in-flight"]);
var cpu3 = cluster.Cpu();
var (appPerWebhook, workerPerRun) = ((cpu3.App - cpu2.App).TotalMilliseconds / burst.Runs, (cpu3.Workers - cpu2.Workers).TotalMilliseconds / burst.Runs);
Progress($"burst: {burst}; app CPU {appPerWebhook:N2} ms per webhook, workers' CPU {workerPerRun:N2} ms per run");
var sync = await bench.SyncAsync(syncFlow, settings["sync"]);
Progress($"sync: {sync}");
var shape = $"1 app + {settings["workers"]} workers × {settings["worker-concurrency"]}, workers at {workerPriority} priority";

Console.WriteLine($"Load average after the run: {Load()}");
Console.WriteLine();
Console.WriteLine("| measure | ours | baseline (same run or published) | goal | |");
Console.WriteLine("|---|---|---|---|---|");
Row($"queue enqueue/s ({jobs:N0} jobs, {concurrency} in flight)", $"{ours.EnqueuePerSecond:N0}/s", $"BullMQ {QueueBench.BullMqVersion} (ioredis {QueueBench.IoRedisVersion}): {bull.EnqueuePerSecond:N0}/s ({ours.EnqueuePerSecond / bull.EnqueuePerSecond:N2}×)",
    "≥ 1.0× BullMQ, ≥ 10,000/s", ours.EnqueuePerSecond >= bull.EnqueuePerSecond && ours.EnqueuePerSecond >= 10_000);
Row($"queue dequeue+ack/s ({concurrency} consumers)", $"{ours.ProcessedPerSecond:N0}/s", $"BullMQ worker, concurrency {concurrency}: {bull.ProcessedPerSecond:N0}/s ({ours.ProcessedPerSecond / bull.ProcessedPerSecond:N2}×)",
    "≥ 1.0× BullMQ, ≥ 5,000/s", ours.ProcessedPerSecond >= bull.ProcessedPerSecond && ours.ProcessedPerSecond >= 5_000);
Row($"async webhook ingest at {rate} req/s, app replica alone ({alone.Requests:N0} requests, sent at {alone.AchievedRate:N0}/s; runs drained after)",
    $"p50 {alone.Latency.P50:N1} ms, p99 {alone.Latency.P99:N1} ms, max {alone.Latency.Max:N0} ms, {alone.Refused} refused; app CPU {aloneCpu:N2} ms per webhook",
    "activepieces 1/2: p50 15.4 ms, p99 62.7 ms (at 95 req/s)", "p99 < 25 ms at 500 req/s per app instance",
    alone.Latency.P99 < 25 && alone.AchievedRate >= 0.98 * rate && alone.Refused == 0 && rate >= 500);
Row($"  the same beside {settings["workers"]} workers on the same cores, executing ({ingest.Requests:N0} requests at {ingest.AchievedRate:N0}/s; workers at {workerPriority} priority)",
    $"p50 {ingest.Latency.P50:N1} ms, p99 {ingest.Latency.P99:N1} ms, max {ingest.Latency.Max:N0} ms, {ingest.Refused} refused; app CPU {ingestCpu:N2} ms per webhook", "—", "—", null);
Row($"webhook → code → completed, burst of {burst.Runs:N0} ({shape})", $"{burst.Runs / burst.Seconds:N0} runs/s ({burst.Succeeded:N0} of {burst.Runs:N0} SUCCEEDED in {burst.Seconds:N1} s)",
    "activepieces 1 app + 2 workers: 95.1 req/s", "≥ 300 runs/s", burst.Runs / burst.Seconds >= 300);
Row("  CPU during the burst (process CPU time / runs)", $"app {appPerWebhook:N2} ms per webhook, workers {workerPerRun:N2} ms per run", "—", "—", null);
Row("  each run, created → finished (during the burst)", $"p50 {burst.RunLatency.P50:N0} ms, p99 {burst.RunLatency.P99:N0} ms", "—", "—", null);
Row($"sync webhook → code → respond, warm, one at a time ({settings["sync"]} calls)", $"p50 {sync.P50:N1} ms, p99 {sync.P99:N1} ms, max {sync.Max:N0} ms",
    "activepieces warm: p50 163 ms, p99 343 ms", "p50 < 50 ms, p99 < 150 ms", sync.P50 < 50 && sync.P99 < 150);
return;

static void Row(string measure, string ours, string baseline, string goal, bool? met) =>
    Console.WriteLine($"| {measure} | {ours} | {baseline} | {goal} | {(met is null ? "" : met.Value ? "met" : "not met")} |");

// Each phase's figures as they come, so a run stopped part-way still says something.
static void Progress(string what) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}; load average {Load()}");

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
