using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace OrderPlatform.Bench.FlowRunner;

public sealed record Latency(double P50, double P99, double Max)
{
    public static Latency Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? new(double.NaN, double.NaN, double.NaN) : new(At(sorted, 0.50), At(sorted, 0.99), sorted[^1]);
    }

    private static double At(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public sealed record IngestFigures(int Requests, double AchievedRate, Latency Latency, int Refused);

public sealed record BurstFigures(int Runs, long Succeeded, double Seconds, Latency RunLatency);

/// <summary>
/// Webhook → trivial code step → completion through the real FlowRunner processes of a <see cref="FlowRunnerCluster"/>:
/// async ingest latency at a fixed request rate (open loop: requests leave on schedule whatever the answers do), a burst's
/// runs per second until every run has SUCCEEDED (with each run's created → finished time from Postgres), and sync
/// webhooks one at a time on warm workers (code step, then a respond step whose body is the reply).
/// </summary>
public sealed class FlowBench(FlowRunnerCluster cluster, NpgsqlDataSource db)
{
    private static readonly JsonObject CodeStep = new()
    {
        ["type"] = "code", ["name"] = "code", ["source"] = "return { n: input.n };", ["input"] = new JsonObject { ["n"] = "{{trigger.body.n}}" },
    };

    private readonly HttpClient _hooks = cluster.Client(withKey: false);

    public Task<Guid> AsyncFlowAsync() => CreateFlowAsync(CodeStep.DeepClone());

    public Task<Guid> SyncFlowAsync() => CreateFlowAsync(CodeStep.DeepClone(), new JsonObject { ["type"] = "respond", ["name"] = "reply", ["body"] = "{{code}}" });

    public async Task<IngestFigures> FixedRateAsync(Guid flowId, int rate, int seconds)
    {
        var total = rate * seconds;
        var latencies = new double[total];
        var refused = 0;
        var clock = Stopwatch.StartNew();
        var requests = new Task[total];
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds(i / (double)rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var n = i;
            requests[i] = Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                using var response = await _hooks.PostAsJsonAsync($"/api/v1/webhooks/{flowId}", new { n });
                latencies[n] = watch.Elapsed.TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref refused);
                }
            });
        }

        var sending = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(requests);
        return new(total, total / sending, Latency.Of(latencies), refused);
    }

    public async Task<BurstFigures> BurstAsync(Guid flowId, int runs, int inFlight)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, runs), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (n, ct) =>
        {
            using var response = await _hooks.PostAsJsonAsync($"/api/v1/webhooks/{flowId}", new { n }, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"webhook {n} answered {(int)response.StatusCode}");
            }
        });
        var succeeded = await WaitSucceededAsync(flowId, runs);
        var seconds = clock.Elapsed.TotalSeconds;
        await using var count = db.CreateCommand("SELECT count(*) FROM flow_run WHERE flow_id = $1");
        count.Parameters.Add(new() { Value = flowId });
        var rows = (long)(await count.ExecuteScalarAsync())!;
        if (rows != runs)
        {
            throw new InvalidOperationException($"{runs} webhooks accepted but {rows} runs stored");
        }

        return new(runs, succeeded, seconds, await RunLatencyAsync(flowId));
    }

    public async Task<Latency> SyncAsync(Guid flowId, int calls)
    {
        var latencies = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await _hooks.PostAsJsonAsync($"/api/v1/webhooks/{flowId}/sync", new { n = i });
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK || body?["n"]?.GetValue<int>() != i)
            {
                throw new InvalidOperationException($"sync webhook {i} answered {(int)response.StatusCode} {body?.ToJsonString()}");
            }
        }

        return Latency.Of(latencies);
    }

    private async Task<Guid> CreateFlowAsync(params JsonNode[] steps)
    {
        using var api = cluster.Client(withKey: true);
        var created = await api.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["displayName"] = "bench", ["definition"] = new JsonObject { ["steps"] = new JsonArray(steps) } });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        (await api.PostAsync($"/api/v1/flows/{id}/publish", null)).EnsureSuccessStatusCode();
        (await api.PostAsync($"/api/v1/flows/{id}/enable", null)).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>Until no run of any flow is queued or running (the fixed-rate phase's runs finish after its last answer).</summary>
    public async Task DrainAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = db.CreateCommand("SELECT count(*) FROM flow_run WHERE status IN ('QUEUED', 'RUNNING')");
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("Runs were still queued or running after 10 minutes.");
    }

    /// <summary>Polls Postgres every 20 ms until <paramref name="expected"/> runs of the flow SUCCEEDED; any other end fails the bench.</summary>
    public async Task<long> WaitSucceededAsync(Guid flowId, int expected)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            await using var command = db.CreateCommand(
                "SELECT count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status NOT IN ('SUCCEEDED', 'QUEUED', 'RUNNING')) FROM flow_run WHERE flow_id = $1");
            command.Parameters.Add(new() { Value = flowId });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (succeeded, other) = (reader.GetInt64(0), reader.GetInt64(1));
            if (other > 0 || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{succeeded} of {expected} runs succeeded, {other} ended otherwise");
            }

            if (succeeded >= expected)
            {
                return succeeded;
            }

            await Task.Delay(20);
        }
    }

    private async Task<Latency> RunLatencyAsync(Guid flowId)
    {
        await using var command = db.CreateCommand("SELECT extract(epoch FROM finished_at - created_at)::float8 * 1000 FROM flow_run WHERE flow_id = $1");
        command.Parameters.Add(new() { Value = flowId });
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<double>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetDouble(0));
        }

        return Latency.Of(values);
    }
}
