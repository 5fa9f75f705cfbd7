using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using OrderPlatform.FlowRunner.Queue;
using StackExchange.Redis;

namespace OrderPlatform.FlowRunner.Metrics;

public sealed record LaneCounts(string Lane, long Waiting, long Active);

public sealed record FlowCounts(Guid FlowId, long Waiting, long Active, long Delayed, long FailedLastHour);

public sealed record MetricsSnapshot(DateTimeOffset At, IReadOnlyList<LaneCounts> Lanes, long Delayed, long Throttled, long DeadLettered, IReadOnlyList<FlowCounts> Flows);

/// <summary>
/// Queue and flow counts (activepieces #9347, #9189): per lane waiting (in the stream, not delivered) and active
/// (delivered, not acknowledged), the delayed set and how much of it is throttled, the dead-letter stream; per flow
/// from Postgres waiting (QUEUED), active (RUNNING), delayed (PAUSED), failed in the last hour. Sampled every
/// <see cref="Period"/> by one loop and published both as OpenTelemetry gauges (meter <c>OrderPlatform.FlowRunner</c>)
/// and as JSON at <c>/api/v1/metrics</c>.
/// </summary>
public sealed class QueueMetrics : BackgroundService
{
    public const string MeterName = "OrderPlatform.FlowRunner";
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private readonly NpgsqlDataSource _db;
    private readonly IConnectionMultiplexer _redis;
    private readonly IOptions<FlowRunnerOptions> _options;
    private readonly ILogger<QueueMetrics> _logger;
    private MetricsSnapshot _latest = new(DateTimeOffset.MinValue, [], 0, 0, 0, []);

    public QueueMetrics(NpgsqlDataSource db, IConnectionMultiplexer redis, IOptions<FlowRunnerOptions> options, IMeterFactory meters, ILogger<QueueMetrics> logger)
    {
        (_db, _redis, _options, _logger) = (db, redis, options, logger);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("flowrunner.queue.entries", () => _latest.Lanes.SelectMany(l => new[]
        {
            new Measurement<long>(l.Waiting, new("lane", l.Lane), new("state", "waiting")),
            new Measurement<long>(l.Active, new("lane", l.Lane), new("state", "active")),
        }).Concat(
        [
            new(_latest.Delayed, new("lane", "delayed"), new("state", "delayed")),
            new(_latest.Throttled, new("lane", "delayed"), new("state", "throttled")),
            new(_latest.DeadLettered, new("lane", "dead"), new("state", "failed")),
        ]), description: "Queue entries by lane and state.");
        meter.CreateObservableGauge("flowrunner.flow.runs", () => _latest.Flows.SelectMany(f => new[]
        {
            new Measurement<long>(f.Waiting, new("flow", f.FlowId), new("state", "waiting")),
            new Measurement<long>(f.Active, new("flow", f.FlowId), new("state", "active")),
            new Measurement<long>(f.Delayed, new("flow", f.FlowId), new("state", "delayed")),
            new Measurement<long>(f.FailedLastHour, new("flow", f.FlowId), new("state", "failed")),
        }), description: "Runs by flow and state (failed: in the last hour).");
    }

    /// <summary>The latest sample, taken now if none is younger than <see cref="Period"/>.</summary>
    public async Task<MetricsSnapshot> CurrentAsync(CancellationToken ct)
    {
        if (DateTimeOffset.UtcNow - _latest.At > Period)
        {
            await SampleAsync(ct);
        }

        return _latest;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Its Redis reads take no token: a stop does not wait for them.
                await SampleAsync(stoppingToken).WaitAsync(stoppingToken);
                await Task.Delay(Period, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogDebug("Metrics sample failed ({Error}).", e.GetType().Name);
                await Task.Delay(Period, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        var prefix = _options.Value.QueuePrefix;
        var redis = _redis.GetDatabase();
        var lanes = new List<LaneCounts>();
        foreach (var lane in new[] { RunQueue.SyncLane, RunQueue.AsyncLane })
        {
            var key = $"{prefix}:lane:{lane}";
            var length = await redis.StreamLengthAsync(key);
            var pending = length == 0 ? 0 : (await redis.StreamPendingAsync(key, "workers")).PendingMessageCount;
            lanes.Add(new(lane, Math.Max(0, length - pending), pending));
        }

        var delayed = await redis.SortedSetRangeByRankAsync($"{prefix}:delayed", 0, 9999);
        var throttled = delayed.Count(m => !((string)m!).EndsWith("|0", StringComparison.Ordinal));
        var dead = await redis.StreamLengthAsync($"{prefix}:dead");

        await using var command = _db.CreateCommand(
            "SELECT flow_id, count(*) FILTER (WHERE status = 'QUEUED'), count(*) FILTER (WHERE status = 'RUNNING'), count(*) FILTER (WHERE status = 'PAUSED'), " +
            "count(*) FILTER (WHERE status NOT IN ('QUEUED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'CANCELED') AND finished_at > now() - interval '1 hour') " +
            "FROM flow_run WHERE status IN ('QUEUED', 'RUNNING', 'PAUSED') OR finished_at > now() - interval '1 hour' GROUP BY flow_id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var flows = new List<FlowCounts>();
        while (await reader.ReadAsync(ct))
        {
            flows.Add(new(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        _latest = new(DateTimeOffset.UtcNow, lanes, delayed.Length, throttled, dead, flows);
    }
}
