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
    Connections.ConnectionStore connections, Waitpoints.WaitpointStore waitpoints, IOptions<FlowRunnerOptions> options, ILogger<RunExecutor> logger)
{
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
        var slots = await SlotsAsync(entry.RunId, run.FlowId, definition, stopping);
        if (slots.Count > 0 && !await queue.TryAcquireSlotsAsync(slots, entry.RunId, DateTimeOffset.UtcNow + timeout + TimeSpan.FromMinutes(1)))
        {
            // Throttled: back on the delayed set with a growing wait (50 ms, 100 ms, ... capped at 5 s).
            var wait = TimeSpan.FromMilliseconds(Math.Min(5000, 50 * Math.Pow(2, Math.Min(entry.Throttles, 10))));
            await queue.DelayAsync(entry.RunId, entry.Lane, DateTimeOffset.UtcNow + wait, entry.Throttles + 1);
            await queue.AckAsync(entry);
            return;
        }

        try
        {
            // Inside the try: a claim that fails (Postgres, or reading the payload's blob) still gives the slots back. Its
            // entry is not acknowledged; a run it left RUNNING is requeued by the reaper once the lease lapses.
            var claimed = await runs.ClaimAsync(entry.RunId, Owner, timeout, stopping);
            await AckClaimedAsync(entry);
            if (claimed is not null)
            {
                await ExecuteAsync(claimed, definition, timeout, stopping);
            }
        }
        finally
        {
            if (slots.Count > 0)
            {
                await queue.ReleaseSlotsAsync(slots.Select(s => s.Set), entry.RunId);
            }
        }
    }

    // The flow's own limit, and its concurrency key's: the key is the template resolved against this run's trigger.
    private async Task<List<(string Set, int Limit)>> SlotsAsync(Guid runId, Guid flowId, FlowDefinition definition, CancellationToken ct)
    {
        var slots = new List<(string Set, int Limit)>();
        if (definition.Settings.Concurrency is { } limit)
        {
            slots.Add((queue.FlowSlots(flowId), limit));
        }

        if (definition.Settings.ConcurrencyKey is { } key)
        {
            var state = new JsonObject { ["trigger"] = await queries.TriggerAsync(runId, ct) };
            slots.Add((queue.KeySlots(flowId, Templating.Template.ResolveText(key.Value, state)), key.Limit));
        }

        return slots;
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
            var context = await ContextAsync(run, definition, stopping);
            await engine.RunListAsync(definition.Steps, context, "", runCts.Token);
            await FinishAsync(run, RunStatus.Succeeded, null, null);
        }
        catch (PauseRequested pause)
        {
            await PauseAsync(run, pause);
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

    // What templates resolve against (the trigger, resume URLs, the connections the flow names) and the replay log.
    private async Task<RunContext> ContextAsync(ClaimedRun run, FlowDefinition definition, CancellationToken ct)
    {
        var secrets = await connections.LoadAsync(Connections.ConnectionReferences.Of(definition), ct);
        var state = new JsonObject
        {
            ["trigger"] = run.Trigger,
            [Flows.FlowValidator.WaitpointsRoot] = waitpoints.UrlsFor(run.Id, definition),
            [Flows.FlowValidator.ConnectionsRoot] = secrets.Values,
        };
        // Only a run claimed before (crash, pause, release) or copied by a rerun has logged steps: a fresh run saves the query.
        var completed = run.MayHaveSteps ? await runs.CompletedStepsAsync(run.Id, ct) : new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        return new RunContext(run.Id, state, completed, async response =>
        {
            await runs.SetResponseAsync(run.Id, response, CancellationToken.None);
            await signals.PublishDoneAsync(run.Id);
        })
        { Connections = secrets, Scrubber = new Connections.SecretScrubber(secrets.Values) };
    }

    // A delay is done once paused (logged SUCCEEDED, replay skips it); a waitpoint is WAITING and runs again on resume.
    private async Task PauseAsync(ClaimedRun run, PauseRequested pause)
    {
        var output = pause.Completes
            ? new JsonObject { ["resumeAt"] = pause.ResumeAt.ToString("O") }
            : new JsonObject { ["waitingUntil"] = pause.ResumeAt.ToString("O"), ["resumeUrl"] = waitpoints.ResumeUrl(run.Id, pause.Step) };
        await runs.LogStepAsync(run.Id, pause.Step, 1, pause.Completes ? StepStatus.Succeeded : StepStatus.Waiting, DateTimeOffset.UtcNow, null,
            output, null, CancellationToken.None);
        if (!await runs.PauseAsync(run.Id, Owner, pause.ResumeAt, CancellationToken.None))
        {
            return;
        }

        await queue.DelayAsync(run.Id, run.Sync ? RunQueue.SyncLane : RunQueue.AsyncLane, pause.ResumeAt);
        // A resume that landed between the step's check and the pause saw the run RUNNING and left waking it to us.
        if (!pause.Completes && await waitpoints.IsCompletedAsync(run.Id, pause.Step, CancellationToken.None)
            && await runs.WakeAsync(run.Id, pause.Step, CancellationToken.None) is { } sync)
        {
            await queue.EnqueueAsync(run.Id, sync);
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

    // LOCKED versions come from FlowStore's cache; a draft run reads its version each time (drafts change in place).
    private async Task<FlowDefinition> DefinitionAsync(Guid versionId, CancellationToken ct) =>
        await flows.VersionAsync(versionId, ct) ?? throw new InvalidOperationException($"Flow version {versionId} is missing.");

    private sealed class StrongBox<T>
    {
        public T Value { get; set; } = default!;
    }
}
