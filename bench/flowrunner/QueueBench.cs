using System.Diagnostics;
using System.Text.Json.Nodes;
using Aspire.Hosting.LocalProcesses;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner;
using OrderPlatform.FlowRunner.Queue;
using StackExchange.Redis;

namespace OrderPlatform.Bench.FlowRunner;

public sealed record QueueFigures(double EnqueuePerSecond, double ProcessedPerSecond);

/// <summary>
/// The queue alone, from one process: <c>jobs</c> enqueues with <c>concurrency</c> in flight, then <c>concurrency</c>
/// consumer loops reading and acknowledging until every entry is gone, exactly the calls the worker makes
/// (<see cref="RunQueue.ReadAsync"/> polls the sync lane first, <see cref="RunQueue.AckAsync"/> acks and deletes).
/// BullMQ does the same job count at the same concurrency on the same Redis.
/// </summary>
public static class QueueBench
{
    public const string BullMqVersion = "6.7.0";

    // BullMQ 6 leaves the Redis client to the caller (an optional peer); ioredis is the one it was built on.
    public const string IoRedisVersion = "6.0.0";

    public static async Task<QueueFigures> OursAsync(string redis, int jobs, int concurrency)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var queue = new RunQueue(connection, Options.Create(new FlowRunnerOptions { QueuePrefix = $"bench-q-{Guid.NewGuid():N}"[..18] }));
        await queue.EnsureGroupsAsync();
        var ids = Enumerable.Range(0, jobs).Select(_ => Guid.CreateVersion7()).ToArray();

        var next = -1;
        var enqueue = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobs)
            {
                await queue.EnqueueAsync(ids[i], sync: false);
            }
        }));
        enqueue.Stop();

        var acked = 0;
        var consumer = $"bench-{Environment.ProcessId}";
        var process = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Volatile.Read(ref acked) < jobs)
            {
                if (await queue.ReadAsync(consumer) is { } entry)
                {
                    await queue.AckAsync(entry);
                    Interlocked.Increment(ref acked);
                }
            }
        }));
        process.Stop();
        var (sync, async, _, _) = await queue.DepthsAsync();
        if (sync + async != 0)
        {
            throw new InvalidOperationException($"{sync + async} entries left in the lanes after the dequeue pass.");
        }

        return new(jobs / enqueue.Elapsed.TotalSeconds, jobs / process.Elapsed.TotalSeconds);
    }

    /// <summary>Installs BullMQ into the tools cache on first use (as Azurite is) and runs the Node side.</summary>
    public static async Task<QueueFigures> BullMqAsync(string redis, int jobs, int concurrency)
    {
        if (NpmPackage.MissingPrerequisite("the BullMQ baseline") is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        var tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "orderplatform", "tools");
        var folder = Path.Combine(tools, $"bullmq-{BullMqVersion}-ioredis-{IoRedisVersion}");
        if (!File.Exists(Path.Combine(folder, "node_modules", "bullmq", "package.json")) || !File.Exists(Path.Combine(folder, "node_modules", "ioredis", "package.json")))
        {
            Console.Error.WriteLine($"installing bullmq@{BullMqVersion} and ioredis@{IoRedisVersion} with npm into {folder} (first use only)");
            await RunAsync(Binaries.Find("npm")!,
                ["install", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error", $"bullmq@{BullMqVersion}", $"ioredis@{IoRedisVersion}"], null);
        }

        var options = ConfigurationOptions.Parse(redis);
        var (host, port) = options.EndPoints[0] switch
        {
            System.Net.DnsEndPoint dns => (dns.Host, dns.Port),
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            var other => throw new InvalidOperationException($"Unexpected Redis endpoint {other}."),
        };
        var environment = new Dictionary<string, string?>
        {
            ["NODE_PATH"] = Path.Combine(folder, "node_modules"),
            ["REDIS_HOST"] = host,
            ["REDIS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["REDIS_PASSWORD"] = options.Password,
        };
        var script = Path.Combine(AppContext.BaseDirectory, "bullmq-bench.cjs");
        var output = await RunAsync(Binaries.Find("node")!, [script, jobs.ToString(System.Globalization.CultureInfo.InvariantCulture), concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment);
        var result = JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        return new(result["enqueuePerSecond"]!.GetValue<double>(), result["processedPerSecond"]!.GetValue<double>());
    }

    private static async Task<string> RunAsync(string file, string[] args, Dictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await error}");
    }
}
