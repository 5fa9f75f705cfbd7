using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Tracing;
using StackExchange.Redis;

namespace OrderPlatform.FlowRunner.Queue;

/// <summary>
/// A delivered queue entry: the lane (stream) it came from, its stream id, the run it names, and the W3C traceparent of
/// the span that queued it (null when none was active).
/// </summary>
public sealed record QueueEntry(string Lane, RedisValue EntryId, Guid RunId, int Throttles, string? TraceParent = null);

/// <summary>
/// The work queue: one Redis stream per priority lane (<c>sync</c> read before <c>async</c>) with one consumer group,
/// a delayed ZSET (retry-at, throttled and paused runs) moved into the lanes by a Lua script, per-flow and per-key slot ZSETs, and
/// a dead-letter stream. Only run ids (and the trace context of whoever queued them) travel; Postgres holds the runs.
/// Every command is non-blocking (no XREADGROUP
/// BLOCK on the shared multiplexer): idle workers poll with a backoff that a Pub/Sub wake cuts short.
/// </summary>
public sealed class RunQueue(IConnectionMultiplexer redis, IOptions<FlowRunnerOptions> options)
{
    public const string SyncLane = "sync";
    public const string AsyncLane = "async";
    private const string Group = "workers";
    private static readonly string[] Lanes = [SyncLane, AsyncLane];

    // Due members "lane|runId|throttles[|traceparent]" go to their lane's stream; atomic, so movers on every replica never
    // double-move.
    private static readonly LuaScript MoveDue = LuaScript.Prepare(
        "local due = redis.call('ZRANGEBYSCORE', @delayed, '-inf', @now, 'LIMIT', 0, 500) " +
        "for _, member in ipairs(due) do " +
        "  local lane, run, throttles, tp = string.match(member, '([^|]+)|([^|]+)|([^|]+)|?([^|]*)') " +
        "  if tp == '' then redis.call('XADD', @prefix .. ':lane:' .. lane, '*', 'run', run, 'throttles', throttles) " +
        "  else redis.call('XADD', @prefix .. ':lane:' .. lane, '*', 'run', run, 'throttles', throttles, 'tp', tp) end " +
        "  redis.call('ZREM', @delayed, member) " +
        "end return #due");

    // A slot is a member (run id) scored by its expiry; re-entrant for the same run (a requeued run keeps its slot). All
    // of a run's slot sets (its flow's, its concurrency key's) are taken at once or none is, so two workers never each
    // hold half of what the other needs. KEYS are the sets; ARGV: now, run, expiry, then one limit per set.
    private const string AcquireAll =
        "for i, set in ipairs(KEYS) do " +
        "  redis.call('ZREMRANGEBYSCORE', set, '-inf', ARGV[1]) " +
        "  if not redis.call('ZSCORE', set, ARGV[2]) and redis.call('ZCARD', set) >= tonumber(ARGV[3 + i]) then return 0 end " +
        "end " +
        "for _, set in ipairs(KEYS) do redis.call('ZADD', set, ARGV[3], ARGV[2]) end return 1";

    private string Prefix => options.Value.QueuePrefix;

    private IDatabase Db => redis.GetDatabase();

    public RedisChannel WakeChannel => RedisChannel.Literal($"{Prefix}:wake");

    public string DeadLetterStream => $"{Prefix}:dead";

    public async Task EnsureGroupsAsync()
    {
        foreach (var lane in Lanes)
        {
            try
            {
                await Db.StreamCreateConsumerGroupAsync(LaneKey(lane), Group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // Another replica (or an earlier start) created it.
            }
        }
    }

    /// <summary>Adds the run to its lane with the current span's trace context, so the worker's spans join the caller's trace.</summary>
    public async Task EnqueueAsync(Guid runId, bool sync)
    {
        NameValueEntry[] fields = RunTracing.CurrentTraceParent() is { } tp
            ? [new("run", runId.ToString()), new("throttles", 0), new("tp", tp)]
            : [new("run", runId.ToString()), new("throttles", 0)];
        await Db.StreamAddAsync(LaneKey(sync ? SyncLane : AsyncLane), fields).ConfigureAwait(false);
        await Db.PublishAsync(WakeChannel, "1", CommandFlags.FireAndForget).ConfigureAwait(false);
    }

    public Task DelayAsync(Guid runId, string lane, DateTimeOffset due, int throttles = 0) =>
        Db.SortedSetAddAsync($"{Prefix}:delayed",
            RunTracing.CurrentTraceParent() is { } tp ? $"{lane}|{runId}|{throttles}|{tp}" : $"{lane}|{runId}|{throttles}", due.ToUnixTimeMilliseconds());

    /// <summary>The next new entry, sync lane first; null when both lanes are empty.</summary>
    public async Task<QueueEntry?> ReadAsync(string consumer)
    {
        foreach (var lane in Lanes)
        {
            var entries = await WithGroupsAsync(() => Db.StreamReadGroupAsync(LaneKey(lane), Group, consumer, StreamPosition.NewMessages, count: 1)).ConfigureAwait(false);
            if (entries.Length > 0)
            {
                return ToEntry(lane, entries[0]);
            }
        }

        return null;
    }

    /// <summary>
    /// Entries delivered to a consumer that went quiet for <paramref name="minIdle"/> (it died between read and claim),
    /// taken over with XAUTOCLAIM; with them each entry's delivery count, for dead-lettering.
    /// </summary>
    public async Task<List<(QueueEntry Entry, long Deliveries)>> ReclaimAsync(string consumer, TimeSpan minIdle)
    {
        var reclaimed = new List<(QueueEntry, long)>();
        foreach (var lane in Lanes)
        {
            var result = await WithGroupsAsync(() => Db.StreamAutoClaimAsync(LaneKey(lane), Group, consumer, (long)minIdle.TotalMilliseconds, "0-0", 50)).ConfigureAwait(false);
            foreach (var entry in result.ClaimedEntries)
            {
                var pending = await Db.StreamPendingMessagesAsync(LaneKey(lane), Group, 1, consumer, entry.Id, entry.Id).ConfigureAwait(false);
                reclaimed.Add((ToEntry(lane, entry), pending.Length > 0 ? pending[0].DeliveryCount : 1));
            }
        }

        return reclaimed;
    }

    /// <summary>
    /// Acknowledged and deleted, so a lane's length is what waits or is in flight. Both commands go out together
    /// (pipelined on the one connection, still in order): one round trip instead of two.
    /// </summary>
    public async Task AckAsync(QueueEntry entry)
    {
        var db = Db;
        var ack = db.StreamAcknowledgeAsync(LaneKey(entry.Lane), Group, entry.EntryId);
        var delete = db.StreamDeleteAsync(LaneKey(entry.Lane), [entry.EntryId]);
        await Task.WhenAll(ack, delete).ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(QueueEntry entry, string reason)
    {
        await Db.StreamAddAsync(DeadLetterStream, [new("run", entry.RunId.ToString()), new("lane", entry.Lane), new("reason", reason)]).ConfigureAwait(false);
        await AckAsync(entry).ConfigureAwait(false);
    }

    public async Task<int> MoveDueAsync()
    {
        var moved = (int)await Db.ScriptEvaluateAsync(MoveDue, new
        {
            delayed = (RedisKey)$"{Prefix}:delayed",
            now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            prefix = Prefix,
        }).ConfigureAwait(false);
        if (moved > 0)
        {
            await Db.PublishAsync(WakeChannel, "1", CommandFlags.FireAndForget).ConfigureAwait(false);
        }

        return moved;
    }

    public Task<bool> TryAcquireSlotAsync(Guid flowId, Guid runId, int limit, DateTimeOffset expiry) =>
        TryAcquireSlotsAsync([(FlowSlots(flowId), limit)], runId, expiry);

    public Task ReleaseSlotAsync(Guid flowId, Guid runId) => ReleaseSlotsAsync([FlowSlots(flowId)], runId);

    /// <summary>The slot set of a flow (its <c>concurrency</c>).</summary>
    public string FlowSlots(Guid flowId) => SlotsKey(flowId);

    /// <summary>The slot set of one concurrency-key value of a flow; the value is hashed (it may be long, or personal data).</summary>
    public string KeySlots(Guid flowId, string key) =>
        $"{SlotsKey(flowId)}:key:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..32]}";

    public async Task<bool> TryAcquireSlotsAsync(IReadOnlyList<(string Set, int Limit)> slots, Guid runId, DateTimeOffset expiry)
    {
        RedisValue[] args = [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), runId.ToString(), expiry.ToUnixTimeMilliseconds(), .. slots.Select(s => (RedisValue)s.Limit)];
        return (int)await Db.ScriptEvaluateAsync(AcquireAll, [.. slots.Select(s => (RedisKey)s.Set)], args).ConfigureAwait(false) == 1;
    }

    public async Task ReleaseSlotsAsync(IEnumerable<string> sets, Guid runId)
    {
        foreach (var set in sets)
        {
            await Db.SortedSetRemoveAsync(set, runId.ToString()).ConfigureAwait(false);
        }
    }

    public async Task<(long Sync, long Async, long Delayed, long Dead)> DepthsAsync() => (
        await Db.StreamLengthAsync(LaneKey(SyncLane)).ConfigureAwait(false),
        await Db.StreamLengthAsync(LaneKey(AsyncLane)).ConfigureAwait(false),
        await Db.SortedSetLengthAsync($"{Prefix}:delayed").ConfigureAwait(false),
        await Db.StreamLengthAsync(DeadLetterStream).ConfigureAwait(false));

    // A Redis that came back empty (restarted without persistence) has streams again as soon as anything is queued, but no
    // consumer group: recreate the groups and go on. What the restart lost, the reaper queues again from Postgres.
    private async Task<T> WithGroupsAsync<T>(Func<Task<T>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            await EnsureGroupsAsync().ConfigureAwait(false);
            return await command().ConfigureAwait(false);
        }
    }

    private string LaneKey(string lane) => $"{Prefix}:lane:{lane}";

    private string SlotsKey(Guid flowId) => $"{Prefix}:slots:{flowId}";

    private static QueueEntry ToEntry(string lane, StreamEntry entry) =>
        new(lane, entry.Id, Guid.Parse((string)entry["run"]!), entry["throttles"].TryParse(out int t) ? t : 0, (string?)entry["tp"]);
}
