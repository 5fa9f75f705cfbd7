using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Steps;
using OrderPlatform.FlowRunner.Tracing;

namespace OrderPlatform.FlowRunner.Workers;

/// <summary>
/// One delivered queue entry, from decision to the run's end: skip what is no longer queued, dead-letter what was
/// delivered too often, wait for a per-flow slot, claim the run in Postgres (QUEUED → RUNNING with a lease), acknowledge
/// the entry, then execute with a heartbeat that renews the lease and notices a cancel.
/// </summary>
public sealed class RunExecutor(
    RunStore runs, RunQueries queries, FlowStore flows, RunQueue queue, RunSignals signals, StepEngine engine,
    IOptions<FlowRunnerOptions> options, ILogger<RunExecutor> logger)
{
    private readonly ConcurrentDictionary<Guid, (FlowDefinition Definition, long Expires)> _definitions = new();

    public string Owner { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public async Task ProcessAsync(QueueEntry entry, CancellationToken stopping)
    {
        // Under the span that queued the run (the webhook request), so one trace runs from ingress through every step.
        using var span = RunTracing.StartRun(entry.RunId, entry.Lane, entry.TraceParent);
        var peek = await runs.PeekAsync(entry.RunId, stopping);
        if (peek is { Status: RunStatus.Paused } paused && !await runs.ResumeAsync(entry.RunId, stopping))
        {
            await queue.DelayAsync(entry.RunId, entry.Lane, paused.ResumeAt ?? DateTimeOffset.UtcNow.AddSeconds(1));
            await queue.AckAsync(entry);
            return;
        }

        if (peek is not { } run || run.Status is not (RunStatus.Queued or RunStatus.Paused))
        {
            await queue.AckAsync(entry);
            return;
        }

        if (run.Attempt >= options.Value.MaxDeliveries)
        {
            await runs.DeadLetterAsync(entry.RunId, stopping);
            await queue.DeadLetterAsync(entry, $"delivered {run.Attempt} times");
            await signals.PublishDoneAsync(entry.RunId);
            return;
        }

        var definition = await DefinitionAsync(run.VersionId, stopping);
        var timeout = definition.Settings.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : options.Value.FlowTimeout;
        var limit = definition.Settings.Concurrency;
        var flowId = run.FlowId;
        if (limit is { } l && !await queue.TryAcquireSlotAsync(flowId, entry.RunId, l, DateTimeOffset.UtcNow + timeout + TimeSpan.FromMinutes(1)))
        {
            // Throttled: back on the delayed set with a growing wait (50 ms, 100 ms, ... capped at 5 s).
            var wait = TimeSpan.FromMilliseconds(Math.Min(5000, 50 * Math.Pow(2, Math.Min(entry.Throttles, 10))));
            await queue.DelayAsync(entry.RunId, entry.Lane, DateTimeOffset.UtcNow + wait, entry.Throttles + 1);
            await queue.AckAsync(entry);
            return;
        }

        var claimed = await runs.ClaimAsync(entry.RunId, Owner, timeout, stopping);
        await AckClaimedAsync(entry);
        try
        {
            if (claimed is not null)
            {
                await ExecuteAsync(claimed, definition, timeout, stopping);
            }
        }
        finally
        {
            if (limit is not null)
            {
                await queue.ReleaseSlotAsync(flowId, entry.RunId);
            }
        }
    }

    private async Task ExecuteAsync(ClaimedRun run, FlowDefinition definition, TimeSpan timeout, CancellationToken stopping)
    {
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var registration = signals.RegisterRunning(run.Id, runCts);
        using var timeoutCts = new CancellationTokenSource(timeout);
        using var timeoutLink = timeoutCts.Token.Register(runCts.Cancel);
        var lost = new StrongBox<bool>();
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(run.Id, runCts, lost, heartbeatStop.Token);
        try
        {
            var state = new JsonObject { ["trigger"] = await queries.TriggerAsync(run.Id, stopping) };
            var completed = await runs.CompletedStepsAsync(run.Id, stopping);
            var context = new RunContext(run.Id, state, completed, async response =>
            {
                await runs.SetResponseAsync(run.Id, response, CancellationToken.None);
                await signals.PublishDoneAsync(run.Id);
            });
            await engine.RunListAsync(definition.Steps, context, "", runCts.Token);
            await FinishAsync(run, RunStatus.Succeeded, null, null);
        }
        catch (PauseRequested pause)
        {
            await runs.LogStepAsync(run.Id, pause.Step, 1, StepStatus.Succeeded, DateTimeOffset.UtcNow, null,
                new JsonObject { ["resumeAt"] = pause.ResumeAt.ToString("O") }, null, CancellationToken.None);
            if (await runs.PauseAsync(run.Id, Owner, pause.ResumeAt, CancellationToken.None))
            {
                await queue.DelayAsync(run.Id, run.Sync ? RunQueue.SyncLane : RunQueue.AsyncLane, pause.ResumeAt);
            }
        }
        catch (StepFailedException failed)
        {
            await FinishAsync(run, failed.Failure.RunStatus, failed.Step,
                new JsonObject { ["type"] = failed.Failure.Type, ["message"] = failed.Failure.Message });
        }
        catch (OperationCanceledException) when (lost.Value)
        {
            logger.LogInformation("Run {RunId} stopped: canceled, timed out or taken over elsewhere.", run.Id);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            await FinishAsync(run, RunStatus.Timeout, null, new JsonObject { ["type"] = "FLOW_TIMEOUT", ["message"] = $"The run took longer than {timeout.TotalSeconds} s." });
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: give the run back; the next worker replays it from its last logged step.
            if (await runs.ReleaseAsync(run.Id, Owner, CancellationToken.None))
            {
                await queue.EnqueueAsync(run.Id, run.Sync);
            }
        }
        catch (OperationCanceledException)
        {
            // A cancel published for this run: the API has already set CANCELED.
            logger.LogInformation("Run {RunId} canceled while running.", run.Id);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {RunId} failed inside the runner.", run.Id);
            await FinishAsync(run, RunStatus.InternalError, null, new JsonObject { ["type"] = "INTERNAL_ERROR", ["message"] = e.GetType().Name });
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    // Once the run is ours in Postgres the entry has done its job: an ack Redis refuses (it is restarting) must not
    // strand a RUNNING run until its lease lapses; the entry left pending is reclaimed later and acked as not QUEUED.
    private async Task AckClaimedAsync(QueueEntry entry)
    {
        try
        {
            await queue.AckAsync(entry);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger.LogWarning("Ack of run {RunId} failed ({Error}); running it anyway.", entry.RunId, e.GetType().Name);
        }
    }

    private async Task FinishAsync(ClaimedRun run, string status, string? failedStep, JsonNode? error)
    {
        if (!await runs.FinishAsync(run.Id, Owner, status, failedStep, error, CancellationToken.None))
        {
            logger.LogInformation("Run {RunId} was no longer ours to finish as {Status}.", run.Id, status);
        }

        await signals.PublishDoneAsync(run.Id);
    }

    // Renews the lease every third of it; a refused renewal means the run was canceled or reaped, so stop it now.
    private async Task HeartbeatAsync(Guid runId, CancellationTokenSource runCts, StrongBox<bool> lost, CancellationToken stop)
    {
        var period = options.Value.Lease / 3;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(period, stop);
                if (!await runs.RenewAsync(runId, Owner, stop))
                {
                    lost.Value = true;
                    await runCts.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Lease renewal of {RunId} failed ({Error}); the reaper will requeue it if the lease lapses.", runId, e.GetType().Name);
        }
    }

    private async Task<FlowDefinition> DefinitionAsync(Guid versionId, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_definitions.TryGetValue(versionId, out var cached) && cached.Expires > now)
        {
            return cached.Definition;
        }

        var definition = await flows.VersionAsync(versionId, ct) ?? throw new InvalidOperationException($"Flow version {versionId} is missing.");
        _definitions[versionId] = (definition, now + 2000);
        return definition;
    }

    private sealed class StrongBox<T>
    {
        public T Value { get; set; } = default!;
    }
}
