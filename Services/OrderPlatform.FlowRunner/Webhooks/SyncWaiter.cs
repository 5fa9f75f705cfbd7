using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Webhooks;

/// <summary>
/// A sync webhook's wait: the first respond step's reply, or the run's end, within <c>SyncTimeout</c>; past it an
/// explicit 408 with the run id (never a silent empty answer, activepieces #7087). Woken by the <c>done</c> signal,
/// re-reading Postgres at least every second in case a signal is lost.
/// </summary>
public sealed class SyncWaiter(RunQueries queries, RunSignals signals, IOptions<FlowRunnerOptions> options)
{
    public async Task<IResult> WaitAsync(Guid runId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.Value.SyncTimeout;
        while (true)
        {
            var run = await queries.GetAsync(runId, ct);
            if (run?.Response is JsonObject response)
            {
                return Reply(response);
            }

            if (run is not null && RunStatus.IsTerminal(run.Status))
            {
                return run.Status == RunStatus.Succeeded
                    ? TypedResults.Ok(new { runId, status = run.Status })
                    : WebhookIngress.Problem(StatusCodes.Status500InternalServerError, "Run did not succeed", $"The run ended {run.Status}.",
                        new() { ["runId"] = runId, ["status"] = run.Status, ["failedStep"] = run.FailedStep });
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return WebhookIngress.Problem(StatusCodes.Status408RequestTimeout, "Run still in progress",
                    $"No response within {options.Value.SyncTimeout.TotalSeconds} s; poll /api/v1/runs/{runId}.", new() { ["runId"] = runId });
            }

            await signals.WaitForRunAsync(runId, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), ct);
        }
    }

    private static IResult Reply(JsonObject response) => new RespondResult(
        response["status"]?.GetValue<int>() ?? 200,
        response["headers"] as JsonObject,
        response["body"]);

    private sealed class RespondResult(int status, JsonObject? headers, JsonNode? body) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            foreach (var (name, value) in headers ?? [])
            {
                http.Response.Headers[name] = value?.ToString();
            }

            if (body is null)
            {
                return;
            }

            if (body is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                http.Response.ContentType ??= "text/plain; charset=utf-8";
                await http.Response.WriteAsync(v.GetValue<string>(), http.RequestAborted);
                return;
            }

            http.Response.ContentType ??= "application/json; charset=utf-8";
            await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
        }
    }
}
