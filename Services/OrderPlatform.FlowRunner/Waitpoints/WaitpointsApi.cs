using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Connections;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Webhooks;

namespace OrderPlatform.FlowRunner.Waitpoints;

/// <summary>
/// The resume URL of a wait-for-webhook step, every method: <c>/api/v1/flow-runs/{runId}/waitpoints/{step}/{token}</c>.
/// No API key (the caller is whoever the flow handed the URL to): the token, an HMAC of (run, step) compared in constant
/// time, is the capability, checked before anything is read, so a wrong token learns nothing about the run.
/// </summary>
public static class WaitpointsApi
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static RouteHandlerBuilder MapWaitpointsApi(this IEndpointRouteBuilder routes) =>
        routes.MapMethods("/api/v1/flow-runs/{runId:guid}/waitpoints/{step}/{token}", Methods, ResumeAsync)
            .WithTags("Waitpoints").AllowAnonymous().DisableAntiforgery();

    private static async Task<IResult> ResumeAsync(
        HttpContext http, Guid runId, string step, string token, SecretProtector protector, WaitpointStore waitpoints, RunStore runs, RunQueue queue,
        IOptions<FlowRunnerOptions> options, ILogger<WaitpointStore> logger)
    {
        var ct = http.RequestAborted;
        if (!protector.ResumeTokenValid(runId, step, token))
        {
            return WebhookIngress.Problem(StatusCodes.Status401Unauthorized, "Invalid resume URL", "The resume token does not match this run and step.");
        }

        if (await WebhookRequest.ReadBodyAsync(http, options.Value.WebhookBodyLimit) is not { } body)
        {
            return WebhookIngress.Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Resume bodies are limited to {options.Value.WebhookBodyLimit} bytes.");
        }

        var request = new JsonObject
        {
            ["method"] = http.Request.Method,
            ["headers"] = WebhookRequest.Headers(http.Request),
            ["query"] = WebhookRequest.Query(http.Request),
            ["body"] = TriggerPayload.ParseBody(http.Request.ContentType, body),
        };
        if (!await waitpoints.CompleteAsync(runId, step, request, ct))
        {
            var (run, waitpoint) = await waitpoints.StatusAsync(runId, step, ct);
            return run is null
                ? WebhookIngress.Problem(StatusCodes.Status404NotFound, "Unknown run", "The run no longer exists.")
                : WebhookIngress.Problem(StatusCodes.Status409Conflict, "Not waiting",
                    $"The waitpoint was already resumed or timed out, or the run ended (run {run}, waitpoint {waitpoint ?? "none"}).",
                    new() { ["runId"] = runId, ["status"] = run, ["waitpoint"] = waitpoint });
        }

        // PAUSED → QUEUED; a run not paused yet finds its waitpoint completed when it reaches the step.
        if (await runs.WakeAsync(runId, step, ct) is { } sync)
        {
            try
            {
                await queue.EnqueueAsync(runId, sync);
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                logger.LogWarning("Run {RunId} resumed but not queued ({Error}); the reaper will queue it.", runId, e.GetType().Name);
            }
        }

        return TypedResults.Ok(new { runId, step, status = "resumed" });
    }
}
