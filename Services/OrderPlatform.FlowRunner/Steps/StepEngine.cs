using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Templating;
using OrderPlatform.FlowRunner.Tracing;

namespace OrderPlatform.FlowRunner.Steps;

/// <summary>What one execution of a run carries through its steps.</summary>
public sealed class RunContext(Guid runId, JsonObject state, IReadOnlyDictionary<string, JsonNode?> completed, Func<JsonObject, Task> respond)
{
    public Guid RunId { get; } = runId;

    /// <summary>Outputs keyed by step name, plus <c>trigger</c>: what templates resolve against.</summary>
    public JsonObject State { get; } = state;

    /// <summary>Top-level steps finished by an earlier attempt of the run: replayed from the log, not executed again.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Completed { get; } = completed;

    public Func<JsonObject, Task> Respond { get; } = respond;

    /// <summary>The connections the flow names, decrypted (also under <c>connections</c> in <see cref="State"/>).</summary>
    public Connections.RunConnections Connections { get; init; } = OrderPlatform.FlowRunner.Connections.RunConnections.None;

    /// <summary>Applied to everything the run logs or answers.</summary>
    public Connections.SecretScrubber Scrubber { get; init; } = OrderPlatform.FlowRunner.Connections.SecretScrubber.None;
}

/// <summary>
/// The run pauses (releasing the worker) until <see cref="ResumeAt"/> at the latest: a long delay, which is done by then
/// (<see cref="Completes"/>), or a waitpoint, whose step runs again on resume to pick up the request or fail.
/// </summary>
public sealed class PauseRequested(string step, DateTimeOffset resumeAt, bool completes = true) : Exception($"Paused until {resumeAt:O}.")
{
    public string Step { get; } = step;

    public DateTimeOffset ResumeAt { get; } = resumeAt;

    public bool Completes { get; } = completes;
}

/// <summary>
/// Executes steps in order with the per-step policy (retry with 2^n·base backoff up to 4 attempts for retryable
/// failures, continue-on-failure) and logs each attempt to <c>step_run</c> before moving on.
/// </summary>
public sealed class StepEngine(HttpStepRunner http, CodeRunner code, RunStore runs, Waitpoints.WaitpointStore waitpoints, IOptions<FlowRunnerOptions> options)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan InlineDelayLimit = TimeSpan.FromSeconds(5);
    private static readonly string[] SecretHeaders = ["authorization", "cookie", "x-api-key", "proxy-authorization"];
    private const string Secret = Flows.FlowValidator.ConnectionsRoot;

    public async Task RunListAsync(IEnumerable<Step> steps, RunContext run, string prefix, CancellationToken ct)
    {
        foreach (var step in steps)
        {
            if (prefix.Length == 0 && run.Completed.TryGetValue(step.Name, out var done))
            {
                Restore(step, done, run.State);
                continue;
            }

            ct.ThrowIfCancellationRequested();
            run.State[step.Name] = await RunWithPolicyAsync(step, prefix + step.Name, run, prefix.Length == 0, ct);
        }
    }

    private async Task<JsonNode?> RunWithPolicyAsync(Step step, string logName, RunContext run, bool topLevel, CancellationToken ct)
    {
        using var span = RunTracing.StartStep(logName, step.GetType().Name.Replace("Step", "", StringComparison.Ordinal).ToLowerInvariant());
        for (var attempt = 1; ; attempt++)
        {
            span?.SetTag("flowrunner.step.attempts", attempt);
            var started = DateTimeOffset.UtcNow;
            var input = run.Scrubber.Scrub(LoggedInput(step, run.State));
            try
            {
                CheckConnections(step, run.Connections);
                var output = await ExecuteAsync(step, logName, run, topLevel, ct);
                await runs.LogStepAsync(run.RunId, logName, attempt, StepStatus.Succeeded, started, input, run.Scrubber.Scrub(output), null, CancellationToken.None);
                return output;
            }
            catch (StepFailure raw)
            {
                var failure = new StepFailure(raw.Type, run.Scrubber.Scrub(raw.Message), raw.Retryable, raw.RunStatus);
                var error = new JsonObject { ["type"] = failure.Type, ["message"] = failure.Message, ["runStatus"] = failure.RunStatus };
                var retry = step.RetryOnFailure && failure.Retryable && attempt < MaxAttempts;
                var last = !retry && step.ContinueOnFailure;
                if (!retry)
                {
                    RunTracing.Failed(span, failure.Type, failure.Message);
                }

                await runs.LogStepAsync(run.RunId, logName, attempt, last ? StepStatus.Continued : StepStatus.Failed, started, input, null, error, CancellationToken.None);
                if (retry)
                {
                    await Task.Delay(options.Value.StepRetryBase * Math.Pow(2, attempt), ct);
                    continue;
                }

                if (last)
                {
                    return new JsonObject { ["error"] = error };
                }

                throw new StepFailedException(logName, failure);
            }
        }
    }

    private async Task<JsonNode?> ExecuteAsync(Step step, string logName, RunContext run, bool topLevel, CancellationToken ct)
    {
        var state = run.State;
        switch (step)
        {
            case HttpStep s:
                var headers = s.Headers?.ToDictionary(h => h.Key, h => Template.ResolveText(h.Value, state));
                return await http.RunAsync(s.Method, Template.ResolveText(s.Url, state), headers, Template.Resolve(s.Body, state), s.TimeoutSeconds, ct);
            case CodeStep s:
                return await code.RunAsync(s.Source, Template.Resolve(s.Input, state), ct);
            case RouterStep s:
                return await RouteAsync(s, logName, run, ct);
            case LoopStep s:
                return await LoopAsync(s, logName, run, ct);
            case DelayStep s:
                var wait = TimeSpan.FromSeconds(s.Seconds);
                if (topLevel && wait > InlineDelayLimit)
                {
                    throw new PauseRequested(logName, DateTimeOffset.UtcNow + wait);
                }

                await Task.Delay(wait, ct);
                return new JsonObject { ["waitedSeconds"] = s.Seconds };
            case RespondStep s:
                var response = new JsonObject
                {
                    ["status"] = s.Status,
                    ["headers"] = Template.Resolve(s.Headers is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(s.Headers), state),
                    ["body"] = Template.Resolve(s.Body, state),
                };
                await run.Respond((JsonObject)run.Scrubber.Scrub(response)!);
                return response;
            case WaitForWebhookStep s:
                return topLevel
                    ? await waitpoints.EnterAsync(run.RunId, s, ct)
                    : throw new StepFailure("WAITPOINT_NESTED", $"wait-for-webhook '{s.Name}' must be a top-level step.");
            default:
                throw new StepFailure("UNKNOWN_STEP", $"Step type {step.GetType().Name} has no executor.");
        }
    }

    private async Task<JsonNode?> RouteAsync(RouterStep router, string logName, RunContext run, CancellationToken ct)
    {
        var taken = new JsonArray();
        var matched = router.Mode == "allMatch"
            ? router.Branches.Where(b => !b.Fallback && Conditions.Matches(b, run.State)).ToList()
            : router.Branches.Where(b => !b.Fallback && Conditions.Matches(b, run.State)).Take(1).ToList();
        if (matched.Count == 0)
        {
            matched = router.Branches.Where(b => b.Fallback).ToList();
        }

        var outputs = new JsonObject();
        foreach (var branch in matched)
        {
            taken.Add(branch.Name);
            await RunListAsync(branch.Steps, run, $"{logName}.{branch.Name}.", ct);
            foreach (var inner in branch.Steps.SelectMany(s => s.SelfAndNested()))
            {
                outputs[inner.Name] = run.State[inner.Name]?.DeepClone();
            }
        }

        return new JsonObject { ["branches"] = taken, ["steps"] = outputs };
    }

    private async Task<JsonNode?> LoopAsync(LoopStep loop, string logName, RunContext run, CancellationToken ct)
    {
        if (Template.Resolve(loop.Items, run.State) is not JsonArray items)
        {
            throw new StepFailure("LOOP_ITEMS", $"Loop '{loop.Name}': items did not resolve to an array.");
        }

        var results = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            run.State[loop.Name] = new JsonObject { ["item"] = items[i]?.DeepClone(), ["index"] = i };
            await RunListAsync(loop.Steps, run, $"{logName}[{i}].", ct);
            results.Add(new JsonObject(loop.Steps.Select(s => KeyValuePair.Create(s.Name, run.State[s.Name]?.DeepClone()))));
        }

        return results;
    }

    // A replayed router brings back its inner steps' outputs, which later templates may name.
    private static void Restore(Step step, JsonNode? output, JsonObject state)
    {
        state[step.Name] = output?.DeepClone();
        if (step is RouterStep && output?["steps"] is JsonObject inner)
        {
            foreach (var (name, value) in inner)
            {
                state[name] = value?.DeepClone();
            }
        }
    }

    private static void CheckConnections(Step step, Connections.RunConnections connections)
    {
        foreach (var name in Connections.ConnectionReferences.Of(step))
        {
            if (connections.Unreadable.Contains(name))
            {
                throw new StepFailure("CONNECTION_UNREADABLE", $"Connection '{name}' does not decrypt with the current FlowRunner:Connections:Key; put it again.");
            }

            if (!connections.Values.ContainsKey(name))
            {
                throw new StepFailure("CONNECTION_NOT_FOUND", $"Connection '{name}' does not exist; create it with PUT /api/v1/connections/{name}.");
            }
        }
    }

    // What the step log shows as input: resolved values, connections and secret headers redacted, long values cut at 2 KB.
    private static JsonNode? LoggedInput(Step step, JsonObject state)
    {
        JsonNode? input = step switch
        {
            HttpStep s => new JsonObject
            {
                ["method"] = s.Method,
                ["url"] = Template.ResolveText(s.Url, state, Secret),
                ["headers"] = new JsonObject((s.Headers ?? []).Select(h => KeyValuePair.Create(h.Key,
                    (JsonNode?)(SecretHeaders.Contains(h.Key.ToLowerInvariant()) ? Template.Redacted : Template.ResolveText(h.Value, state, Secret))))),
                ["body"] = Template.Resolve(s.Body, state, Secret),
            },
            CodeStep s => Template.Resolve(s.Input, state, Secret),
            _ => null,
        };
        var text = input?.ToJsonString();
        return text is { Length: > 2048 } ? JsonValue.Create(text[..2048] + "…") : input;
    }
}

/// <summary>A step failed and nothing continued past it: the run fails at <see cref="Step"/>.</summary>
public sealed class StepFailedException(string step, StepFailure failure) : Exception($"Step '{step}' failed: {failure.Message}", failure)
{
    public string Step { get; } = step;

    public StepFailure Failure { get; } = failure;
}
